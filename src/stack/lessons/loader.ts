// Lessons from files. lessonsFromFiles takes a path → text map (what Vite's
// import.meta.glob('/lessons/*/*', { query: '?raw', eager: true, import: 'default' }) gives in the
// page, with JSON.parse: the build has turned frontmatter into JSON); loadLessons reads lessons/
// from disk in Node and goes through the same function with YAML's parser. node:fs and yaml are
// imported only when loadLessons runs, so neither reaches the page. A lesson's *.ts files
// are its plugin files (Lesson.files).

import { LessonError } from './errors';
import { parseLesson, type FrontmatterParser, type Lesson } from './lesson';

/** "…/NN-slug/lesson.md" → folder and file name (lesson.md, start.lab, solution.lab or a *.ts). */
const LESSON_FILE = /(?:^|[/\\])(\d{2,}-[a-z0-9][a-z0-9-]*)[/\\](lesson\.md|start\.lab|solution\.lab|[^/\\]+\.ts)$/;

/** Lessons from a map of file paths to their text, in folder order. Other files are ignored. */
export function lessonsFromFiles(files: Record<string, string>, parseFrontmatter: FrontmatterParser): Lesson[] {
  const folders = new Map<string, { md?: string; start?: string; solution?: string; plugins: Record<string, string> }>();
  for (const [path, content] of Object.entries(files)) {
    const m = LESSON_FILE.exec(path);
    if (!m) continue;
    const entry = folders.get(m[1]) ?? { plugins: {} };
    if (m[2] === 'lesson.md') entry.md = content;
    else if (m[2] === 'start.lab') entry.start = content;
    else if (m[2] === 'solution.lab') entry.solution = content;
    else entry.plugins[m[2]] = content;
    folders.set(m[1], entry);
  }
  return [...folders.keys()].sort().map((id) => {
    const f = folders.get(id)!;
    if (f.md === undefined) throw new LessonError(id, undefined, 'lesson.md is missing');
    if (f.solution === undefined) throw new LessonError(id, 'solution.lab', 'missing: every lesson needs a solution script');
    return parseLesson(f.md, { start: f.start, solution: f.solution, plugins: f.plugins }, id, parseFrontmatter);
  });
}

type Fs = typeof import('node:fs/promises');

/** Node only: the lessons under `dir` (lessons/NN-slug/ folders), in order. */
export async function loadLessons(dir = 'lessons'): Promise<Lesson[]> {
  const specifier = 'node:fs/promises';
  const fs = (await import(/* @vite-ignore */ specifier)) as Fs;
  const files: Record<string, string> = {};
  const entries = await fs.readdir(dir, { withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const names = await fs.readdir(`${dir}/${entry.name}`);
    for (const name of ['lesson.md', 'start.lab', 'solution.lab', ...names.filter((n) => n.endsWith('.ts')).sort()]) {
      const path = `${dir}/${entry.name}/${name}`;
      try {
        files[path] = await fs.readFile(path, 'utf8');
      } catch (e) {
        if ((e as { code?: string }).code !== 'ENOENT') throw e;
      }
    }
  }
  const { parse } = await import('yaml');
  return lessonsFromFiles(files, parse);
}
