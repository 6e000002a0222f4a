/**
 * A request the network layer refuses, with a message written for the script's author (it becomes
 * a Lua error at the call site). Anything else thrown from the core is a bug in this project.
 */
export class NetworkError extends Error {
  override name = 'NetworkError';
}
