/** A yes/no question on the terminal (Enter takes the default; Ctrl-C at the prompt answers yes). */
import { createInterface } from 'node:readline';

export function askYesNo(question: string, opts: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream; defaultYes: boolean }): Promise<boolean> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: opts.input, output: opts.output, terminal: true });
    let settled = false;
    const done = (answer: boolean) => {
      if (settled) return;
      settled = true;
      rl.close();
      resolve(answer);
    };
    rl.on('SIGINT', () => {
      opts.output.write('\n');
      done(true);
    });
    rl.on('close', () => done(opts.defaultYes));
    rl.question(`${question} ${opts.defaultYes ? '[Y/n]' : '[y/N]'} `, (raw) => {
      const a = raw.trim().toLowerCase();
      done(a === '' ? opts.defaultYes : a === 'y' || a === 'yes');
    });
  });
}
