// The `vigil` command line: start a node, read plates from images, manage tokens, import hotlists.
// Commands are imported when chosen, so `vigil plates read` does not load the server.
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { ConfigError, loadConfig, readEnvironment } from '../config/load.js';
import { createLogger } from '../lib/logger.js';
import { takeOption } from './args.js';

const usage = `usage: vigil <command> [options]

  start [--config FILE] [--roles api,pipeline,cameras]   run a node (all roles by default)
  plates read FILE... [--json]                           read licence plates from still images
  detect FILE... [--json] [--model NAME] [--score N]     objects (people, vehicles) in still images
  faces embed FILE... [--json]                           faces with quality and L2-normalised embeddings
  faces enroll DIR|FILE.csv --why TEXT [--category C --reason R --source S --expires DATE]
                                                         enrol watchlist faces through the API (VIGIL_URL, VIGIL_TOKEN)
  faces search PHOTO --purpose TEXT [--camera IDS --from T --to T --limit N] [--json]
                                                         search stored faces by photo through the API (audited)
  faces eval --dir DIR [--threshold T] [--score snorm|cosine] [--json]
                                                         rank-1, true- and false-accept rates on folders of identities
  faces authorise --approved-by TEXT --legal-ref TEXT (--cameras IDS | --districts IDS) --until T [--from T]
                                                         authorise live face matching there and then (admin, through the API)
  faces authorise --end ID --reason TEXT                 end an authorisation now
  faces authorisations [--all] [--json]                  the authorisations in force or to come (--all: ended ones too)
  faces refreeze ID --why TEXT                           freeze an authorisation's watchlist again (subjects listed since match)
  hotlist import FILE.csv --why TEXT                     import a hotlist CSV through the API (VIGIL_URL, VIGIL_TOKEN)
  tokens create --role ROLE --name NAME [--subject ID]   create an API token (prints it once)
  audit verify                                           re-compute the audit log's hash chain
  users create --role ROLE [--role ROLE] [--name N] USERNAME
                                                         create a user account (prints a one-time password)
  users list | reset-password USERNAME | unlock USERNAME  list, give a new one-time password, unlock
  footage export CAM FROM TO OUT.mp4 --purpose TEXT     export footage as MP4 through the API (VIGIL_URL, VIGIL_TOKEN)
  footage search --plate X [--fuzzy|--partial] [--from T --to T --camera IDS --near LAT,LON,M] --purpose TEXT [--json]
                                                         search plate reads (or --label sightings) through the API, with footage links
  models convert                                         convert the manifest's models to ONNX now (else on first use)

Config: --config FILE, else VIGIL_CONFIG, else config/default.yaml.`;

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function main(argv: string[]): Promise<number> {
  const args = [...argv];
  const env = readEnvironment();
  const configFile = takeOption(args, '--config') ?? env.configFile ?? path.join(projectRoot, 'config/default.yaml');
  const [command, sub] = args;
  const log = createLogger('vigil');
  // One-word commands take options straight after them: `start --roles api` must not be read as "start --roles".
  if (command === 'start')
    return (await import('./start.js')).runStart(loadConfig(configFile, env), args.slice(1), log);
  if (command === 'detect') return (await import('./detect.js')).detect(args.slice(1), process.stdout);
  switch (`${command ?? ''} ${sub ?? ''}`.trim()) {
    case 'plates read':
      return (await import('./plates-read.js')).platesRead(args.slice(2), process.stdout);
    case 'faces embed':
      return (await import('./faces-embed.js')).facesEmbed(args.slice(2), process.stdout);
    case 'faces enroll':
      return (await import('./faces.js')).facesEnroll(args.slice(2), env, process.stdout, process.stderr);
    case 'faces search':
      return (await import('./faces.js')).facesSearch(args.slice(2), env, process.stdout);
    case 'faces eval':
      return (await import('./faces.js')).facesEval(
        args.slice(2),
        loadConfig(configFile, env).config,
        process.stdout,
        process.stderr,
      );
    case 'faces authorise':
      return (await import('./faces-authorise.js')).facesAuthorise(args.slice(2), env, process.stdout);
    case 'faces authorisations':
      return (await import('./faces-authorise.js')).facesAuthorisations(args.slice(2), env, process.stdout);
    case 'faces refreeze':
      return (await import('./faces-authorise.js')).facesRefreeze(args.slice(2), env, process.stdout);
    case 'footage export':
    case 'footage search':
      return (await import('./footage.js')).footageCli(args.slice(1), env, process.stdout);
    case 'hotlist import':
      return (await import('./hotlist-import.js')).runHotlistImport(args.slice(2), env, process.stdout);
    case 'tokens create':
      return (await import('./tokens.js')).runTokens(loadConfig(configFile, env), args.slice(2), process.stdout);
    case 'users create':
    case 'users list':
    case 'users reset-password':
    case 'users unlock':
      return (await import('./users.js')).runUsers(loadConfig(configFile, env), sub, args.slice(2), process.stdout);
    case 'audit verify':
      return (await import('./tokens.js')).runTokens(loadConfig(configFile, env), ['--verify-audit'], process.stdout);
    case 'models convert': {
      const { convertAll } = await import('../vision/models/model-cache.js');
      for (const m of await convertAll())
        process.stdout.write(`${m.name.padEnd(16)} ${m.status.padEnd(7)} ${m.sha256.slice(0, 16)}  ${m.path}\n`);
      return 0;
    }
    default:
      process.stderr.write(`${usage}\n`);
      return command && command !== 'help' && command !== '--help' ? 2 : 0;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== -1) process.exit(code);
  },
  (err: Error) => {
    const known = err instanceof ConfigError || err.name === 'StartupError' || err.name === 'DbLockedError';
    process.stderr.write(`vigil: ${known ? err.message : (err.stack ?? err.message)}\n`);
    process.exit(err instanceof ConfigError ? 2 : 1);
  },
);
