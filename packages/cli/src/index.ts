export { buildProgram, main, type Io } from './program.js';
