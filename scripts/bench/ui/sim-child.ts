/**
 * The UI benchmark's API server: a simulated cluster (controllers running) served over real HTTP in
 * its own process, so its work does not land in the benchmark's process. Idle until told to churn;
 * then the simulator's own churn (readiness flaps, crash loops, scale-ups, rollouts, Jobs, Events)
 * runs at whatever rate makes `podsPerSecond` pod changes (ADDED, MODIFIED, DELETED) per second,
 * adjusted every second, since only part of the churn's writes touch pods.
 *
 * Started by ui/cluster.ts (`fork` with `--import tsx`); not a script to run by hand.
 */
import { serveHandler } from '../../sim/node-server';
import { SimWorld } from '../../../src/lib/sim/world';
import type { UiSimCommand, UiSimReply, ChurnStats } from './protocol';

const pods = Number(process.env.BENCH_PODS ?? 10_000);
const world = new SimWorld({ name: 'bench-ui', seed: 7, pods, churn: 0 }).start();
const podType = world.cluster.type('v1', 'Pod');

let podChanges = 0;
let allChanges = 0;
world.cluster.onChange((e) => {
  allChanges++;
  if (e.resource.kind === 'Pod') podChanges++;
});

// At the default action weights about 39 % of the churn's writes (and the controllers' replies)
// are pod changes: start there, then correct once a second.
const POD_SHARE = 0.39;
let regulator: ReturnType<typeof setInterval> | undefined;
let started = { at: 0, pods: 0, all: 0, cpu: 0 };
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function startChurn(podsPerSecond: number) {
  stopChurn();
  world.churn.rate = podsPerSecond / POD_SHARE;
  started = { at: Date.now(), pods: podChanges, all: allChanges, cpu: cpuMs() };
  let last = { at: started.at, pods: podChanges };
  regulator = setInterval(() => {
    const now = Date.now();
    // Aim at the target over the whole run, so a slow second is made up in the next ones.
    const behind = podsPerSecond * ((now - started.at) / 1000) - (podChanges - started.pods);
    const recent = (podChanges - last.pods) / ((now - last.at) / 1000);
    const share = recent > 0 ? recent / world.churn.rate : POD_SHARE;
    const wanted = Math.max(0, podsPerSecond + behind);
    world.churn.rate = Math.min(20 * podsPerSecond, wanted / Math.max(0.05, share));
    last = { at: now, pods: podChanges };
  }, 1000);
}

function stopChurn(): ChurnStats {
  if (regulator) clearInterval(regulator);
  regulator = undefined;
  world.churn.rate = 0;
  const ms = Date.now() - started.at;
  return {
    ms,
    podChanges: podChanges - started.pods,
    allChanges: allChanges - started.all,
    cpuMs: cpuMs() - started.cpu
  };
}

const server = await serveHandler(world.handler);

const reply = (message: UiSimReply) => process.send!(message);

process.on('message', (raw) => {
  const command = raw as UiSimCommand;
  switch (command.type) {
    case 'churn':
      startChurn(command.podsPerSecond);
      return reply({ type: 'ok', id: command.id });
    case 'idle':
      return reply({ type: 'churned', id: command.id, stats: stopChurn() });
    case 'count':
      return reply({ type: 'count', id: command.id, pods: world.cluster.objects(podType).length });
    case 'stop':
      stopChurn();
      world.stop();
      void server.close().then(() => {
        reply({ type: 'ok', id: command.id });
        process.exit(0);
      });
  }
});

reply({ type: 'ready', id: 0, url: server.url, pods: world.cluster.objects(podType).length });
