/** The hooks recorded from Claude Code 2.1.330, replayed through the installed hooks (see test/helpers/fixture-replay.ts). */
import { expect, it } from 'vitest';
import { FIXTURE_VERSIONS, replaySuite } from '../helpers/fixture-replay.js';

it('has fixtures for Claude Code 2.1.330', () => expect(FIXTURE_VERSIONS).toContain('2.1.330'));
replaySuite('2.1.330');
