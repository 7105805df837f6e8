// Entry point of the bundled action (dist/index.js): run it.
import { run } from './action/main.js';

await run();
