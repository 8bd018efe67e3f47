#!/usr/bin/env node
// The CLI supports Node 20; the AWS SDK's notice that its 2027 releases need Node 22 is not
// the user's concern here (README: "Tested Node versions").
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
const { main } = await import('./program.js');
process.exitCode = await main(process.argv.slice(2));
export {};
