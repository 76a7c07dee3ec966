// The lesson engine: lessons as content (lesson.md, start.lab, solution.lab), their declarative
// goals, and a run of one lesson on a live host. DOM-free.

export { LessonError } from './errors';
export { parseLesson, isSolutionFile, readLessonFile, starterFiles, LESSON_SCENARIOS, type Lesson, type LessonScenario } from './lesson';
export { GOAL_KINDS, describeGoal, goalChecker, validateGoal, type GoalChecker, type GoalKind, type GoalResult, type GoalSpec } from './goals';
export { GoalContext, parseVerifyResults, type RecordedCommand, type VerifyResult } from './context';
export { LessonRun, scriptLines, type GoalStatus } from './engine';
export { lessonsFromFiles, loadLessons } from './loader';
