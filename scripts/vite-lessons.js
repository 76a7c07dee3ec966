// A Vite plugin for the stack worker's build: each lessons/NN-slug/lesson.md is shipped with its
// YAML frontmatter rewritten as JSON (which the worker reads with JSON.parse), so the YAML parser
// stays out of the first screen. A frontmatter that is not YAML fails the build, naming the lesson;
// everything else about a lesson is checked by the stack's own parser (src/stack/lessons/lesson.ts).
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

const LESSON_MD = /[/\\]lessons[/\\](\d{2,}-[a-z0-9-]+)[/\\]lesson\.md\?raw$/;
const FRONTMATTER = /^(\uFEFF?---[ \t]*\r?\n)([\s\S]*?)(\r?\n---[ \t]*(?:\r?\n|$)[\s\S]*)$/;

export function lessonFrontmatterAsJson() {
  return {
    name: 'pathlab:lesson-frontmatter-as-json',
    enforce: 'pre',
    load(id) {
      const m = LESSON_MD.exec(id);
      if (!m) return undefined;
      const file = id.slice(0, -'?raw'.length);
      this.addWatchFile(file);
      const text = readFileSync(file, 'utf8');
      const parts = FRONTMATTER.exec(text);
      // Left as it is: the stack's parser says what is wrong with a file that has no frontmatter.
      if (!parts) return `export default ${JSON.stringify(text)};`;
      let data;
      try {
        data = parse(parts[2]);
      } catch (e) {
        this.error(`lessons/${m[1]}/lesson.md: the frontmatter is not valid YAML: ${e.message}`);
      }
      return `export default ${JSON.stringify(parts[1] + JSON.stringify(data) + parts[3])};`;
    },
  };
}
