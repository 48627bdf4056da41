import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseQueue, parseSbatchOutput, parseShowJob } from '../../../src/execute/slurm/parse.ts';

test('sbatch --parsable output', () => {
  const rows: Array<[string, string | null]> = [
    ['17\n', '17'],
    ['17;cluster-a\n', '17'],
    ['sbatch: warning: something\n42\n', '42'],
    ['Submitted batch job 17\n', null],
    ['', null],
  ];
  for (const [out, id] of rows) assert.equal(parseSbatchOutput(out), id, JSON.stringify(out));
});

// Lines as squeue 22.05 prints them for QUEUE_FORMAT (captured on a test cluster).
const queue = [
  '1|1|1|N/A|a|PENDING|None|(null)',
  '2|2|2|N/A|b|PENDING|Dependency|afterok:1(unfulfilled)',
  '3|3|3|N/A|c|CANCELLED|DependencyNeverSatisfied|afterok:2(failed)',
  '7_3|9|7|3|dapt-x-0123abcd|RUNNING|None|(null)',
  '8|8|8|N/A|name|with|pipes|COMPLETED|None|(null)',
  '9|9|9|N/A|odd|SUSPENDED+|None|(null)',
  'garbage line',
  '',
].join('\n');

test('squeue rows: states, reasons, dependencies, arrays, names with |', () => {
  const rows = parseQueue(queue);
  assert.equal(rows.length, 6);
  assert.deepEqual(rows[0], { id: '1', jobId: '1', arrayJobId: null, arrayTaskId: null, name: 'a', state: 'PENDING', reason: null, dependency: null });
  assert.deepEqual(rows[1]!.dependency, 'afterok:1(unfulfilled)');
  assert.equal(rows[1]!.reason, 'Dependency');
  assert.deepEqual([rows[2]!.state, rows[2]!.reason], ['CANCELLED', 'DependencyNeverSatisfied']);
  assert.deepEqual([rows[3]!.id, rows[3]!.jobId, rows[3]!.arrayJobId, rows[3]!.arrayTaskId], ['7_3', '9', '7', '3']);
  assert.equal(rows[4]!.name, 'name|with|pipes');
  assert.equal(rows[4]!.state, 'COMPLETED');
  assert.equal(rows[5]!.state, 'SUSPENDED');
});

const shown =
  'JobId=3 JobName=c UserId=root(0) GroupId=root(0) MCS_label=N/A Priority=4294901757 Nice=0 Account=(null) QOS=(null) ' +
  'JobState=CANCELLED Reason=DependencyNeverSatisfied Dependency=afterok:2(failed) Requeue=1 Restarts=0 BatchFlag=1 Reboot=0 ' +
  'ExitCode=0:0 RunTime=00:00:00 TimeLimit=UNLIMITED TimeMin=N/A SubmitTime=2026-11-22T02:26:41 AllocNode:Sid=localhost:10981 ' +
  'ReqNodeList=(null) ExcNodeList=(null) NodeList= NumNodes=1 NumCPUs=1 NumTasks=N/A CPUs/Task=1 ReqB:S:C:T=0:0:*:* ' +
  'TRES=cpu=1,mem=20000M,node=1,billing=1 WorkDir=/tmp/x y StdErr=/tmp/c.out StdIn=/dev/null StdOut=/tmp/c.out Power= KillOInInvalidDependent=Yes';

test('scontrol show job -o: state, reason, exit code and signal, node list', () => {
  assert.deepEqual(parseShowJob(shown + '\n'), { jobId: '3', state: 'CANCELLED', reason: 'DependencyNeverSatisfied', exitCode: 0, signal: 0, nodeList: null });
  const killed = shown.replace('JobState=CANCELLED', 'JobState=FAILED').replace('Reason=DependencyNeverSatisfied', 'Reason=NonZeroExitCode').replace('ExitCode=0:0', 'ExitCode=0:9').replace('NodeList= ', 'NodeList=node[01-02] ');
  assert.deepEqual(parseShowJob(killed), { jobId: '3', state: 'FAILED', reason: 'NonZeroExitCode', exitCode: 0, signal: 9, nodeList: 'node[01-02]' });
  assert.equal(parseShowJob('slurm_load_jobs error: Invalid job id specified\n'), null);
});
