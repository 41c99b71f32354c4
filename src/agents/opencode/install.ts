import { TraceError } from '../../errors.js';
import { OPENCODE_PLUGIN_MARK, OPENCODE_PLUGIN_PATH, opencodePluginSource } from './plugin.js';

/** The plugin file's text for this installation; a file of the same name that is not ours is refused. */
export function mergeOpencodePlugin(existing: string | null, packageRoot: string): string {
  const ours = opencodePluginSource(packageRoot);
  if (existing === null || existing === ours || existing.startsWith(OPENCODE_PLUGIN_MARK)) return ours;
  throw new TraceError('CONFIG_INVALID', `${OPENCODE_PLUGIN_PATH} exists and is not ai-trace's plugin; rename it, then run trace init again`);
}

/** Our plugin removed: the file is ours whole, so nothing of it stays. */
export function removeOpencodePlugin(existing: string): string {
  return existing.startsWith(OPENCODE_PLUGIN_MARK) ? '' : existing;
}
