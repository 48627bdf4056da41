/**
 * Where the Hugging Face Hub is and where its cache lives, from the same variables Python's
 * huggingface_hub reads, so both share one cache. The cache rule is the one of @huggingface/hub's
 * getHFHubCachePath, but read from the given environment (the CLI's, or a test's).
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface HubSettings {
  endpoint: string;
  cacheDir: string;
  token: string | null;
  offline: boolean;
}

export function hubSettings(env: NodeJS.ProcessEnv): HubSettings {
  const home = env.HF_HOME || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'huggingface');
  return {
    endpoint: (env.HF_ENDPOINT || 'https://huggingface.co').replace(/\/+$/, ''),
    cacheDir: env.HF_HUB_CACHE || env.HUGGINGFACE_HUB_CACHE || join(home, 'hub'),
    token: env.HF_TOKEN || storedToken(home),
    offline: /^(1|on|yes|true)$/i.test(env.HF_HUB_OFFLINE ?? ''),
  };
}

/** `huggingface-cli login` keeps the token in $HF_HOME/token. */
function storedToken(home: string): string | null {
  try {
    return readFileSync(join(home, 'token'), 'utf8').trim() || null;
  } catch {
    return null;
  }
}
