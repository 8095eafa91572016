// The security-scan action: the same core and the same option names as `paved scan <scans>`.

import { runAction } from '../../src/platform/github';
import { buildScanOptions } from '../../src/scan/cli';
import { parseScans, runSecurityScan } from '../../src/scan/step';

runAction('security-scan', async (inputs) => {
  const reader = {
    string: (name: string) => inputs.string(name),
    strings: (name: string) => inputs.list(name),
    number: (name: string) => inputs.number(name),
  };
  const scans = parseScans(inputs.list('scans').length ? inputs.list('scans') : ['all']);
  return runSecurityScan(buildScanOptions(reader, inputs.string('path'), { cwd: process.cwd(), env: process.env }, scans));
});
