// Local image `ecskit/crash`: writes one line and exits 1 at once, so the
// task stops with "Essential container in task exited".
console.error('crash image: exiting with code 1 on purpose');
process.exit(1);
