/** `commitInfo.engineInfo`: who wrote a commit. */
export const ENGINE_VERSION = '0.1.0';
export const ENGINE_INFO = `delta-serverless/${ENGINE_VERSION}`;
