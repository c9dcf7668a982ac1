// The API role of a node: the Hono app over the node's services, with what only the API needs (face
// search, signed media URLs, the live view, the base map, accounts and the sign-in rate limit), on its port.
import { serve, type ServerType } from '@hono/node-server';
import type { Server } from 'node:http';
import { Accounts } from '../accounts/accounts.js';
import { SignInRate } from '../accounts/sign-in-rate.js';
import { createApp } from '../api/app.js';
import { MediaSigner } from '../api/media-url.js';
import { clusterKeyPrefix, type Cluster } from '../cluster/wiring.js';
import { LeaseStore } from '../cluster/lease-store.js';
import { NodeRegistry } from '../cluster/node-registry.js';
import { accountsSchema } from '../config/accounts.js';
import { ConfigError, type LoadedConfig } from '../config/load.js';
import { LiveHub } from '../live/live-hub.js';
import type { Logger } from '../lib/logger.js';
import { StartupError, type ShutdownStack } from '../lib/shutdown.js';
import { FaceSearchService } from '../services/face-search.js';
import type { FaceWatchlistService } from '../services/face-watchlist-service.js';
import { BaseMapError, loadBaseMap, type BaseMap } from '../web/base-map.js';
import type { Infra } from './infra.js';
import { apiOnBoundedRedis, type Observability } from './observability.js';

type AppDeps = Parameters<typeof createApp>[0];
/** Made here, or from the node's config, repositories and cluster: everything else comes from the node. */
type BuiltHere =
  | 'config'
  | 'log'
  | keyof Infra['repos']
  | 'faceWatchlist'
  | 'faceSearch'
  | 'live'
  | 'media'
  | 'baseMap'
  | 'signInRate'
  | 'accounts'
  | keyof ReturnType<typeof clusterApi>
  | keyof ReturnType<typeof apiOnBoundedRedis>;

export interface ApiStart {
  loaded: LoadedConfig;
  log: Logger;
  /** Overrides the configured port (0 picks a free one). */
  port?: number;
  infra: Infra;
  stack: ShutdownStack;
  obs: Observability;
  cluster: Cluster;
  queuePrefix: string;
  faceWatchlist: FaceWatchlistService;
  services: Omit<AppDeps, BuiltHere>;
}

export async function startApi(p: ApiStart): Promise<{ url: string; app: ReturnType<typeof createApp> }> {
  const { config, env } = p.loaded;
  const { repos, redis } = p.infra;
  const faceSearch = new FaceSearchService(repos.faceSightings, repos.audit, config.faces, () =>
    p.faceWatchlist.analyzer(),
  );
  // One random key for every process of the node, made by whichever starts first (never in the repo).
  const media = new MediaSigner({ store: redis, name: `${p.queuePrefix}:media-url-key` });
  const live = new LiveHub(config.live, p.log.child('live'));
  p.stack.push('live view', async () => live.stop());
  const base = baseMapFor(config, p.loaded.root);
  const accountsConfig = config.accounts ?? accountsSchema.parse({});
  const app = createApp({
    config,
    log: p.log.child('api'),
    ...repos,
    ...p.services,
    faceWatchlist: p.faceWatchlist,
    faceSearch,
    live,
    media,
    baseMap: () => base,
    signInRate: new SignInRate(redis, `${p.queuePrefix}:sign-in-rate`, accountsConfig.signInRate),
    accounts: new Accounts(repos.tokens.db, accountsConfig, undefined, env.totpKey),
    ...clusterApi(p.cluster, p.obs, p.queuePrefix),
    ...apiOnBoundedRedis(p.obs, p.queuePrefix),
  });
  const port = p.port ?? env.port ?? config.server.port;
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port, hostname: config.server.host }, () => resolve(s));
    s.once('error', (err) =>
      reject(
        new StartupError(`cannot listen on ${config.server.host}:${port}: ${err.message} (set PORT or server.port)`),
      ),
    );
  });
  p.stack.push('API server', async () => {
    // Open SSE streams would hold close() forever: end them.
    (server as Server).closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const address = server.address();
  const url = `http://${config.server.host}:${typeof address === 'object' && address ? address.port : port}`;
  // CLI admin commands read it from the embedded database's lock (cli/node-or-db.ts).
  p.infra.db.lock?.announce(url);
  return { url, app };
}

/** The camera inventory and cluster routes' needs; lease and node reads go over the API's fail-fast Redis connection. */
function clusterApi(cluster: Cluster, obs: Observability, queuePrefix: string) {
  const keys = clusterKeyPrefix(queuePrefix);
  return {
    inventory: cluster.inventoryService,
    leases: new LeaseStore(obs.bounded.client, keys, cluster.leases.leaseMs),
    nodes: new NodeRegistry(obs.bounded.client, keys, cluster.leases.leaseMs),
  };
}

/** The map's streets and outlines, read once at start: a broken file is a configuration error. */
function baseMapFor(config: LoadedConfig['config'], root: string): BaseMap {
  try {
    return loadBaseMap(config.map, config.roads.graph, root);
  } catch (err) {
    if (err instanceof BaseMapError) throw new ConfigError(`map: ${err.message}`);
    throw err;
  }
}
