'use strict';
// A node pool's life cycle through the official Node.js SDK @alicloud/cs20151215, against an ACK endpoint.
//
//   node nodepool.js <mode> [endpoint]
//   mode: v3 (ACS3-HMAC-SHA256) or v2 (ROA HMAC-SHA1); default $ACK_SIGNATURE or v3
//   endpoint, credentials and $ACK_WAIT_TIMEOUT as for lifecycle.js
//
// Creates a managed cluster, then a pool of 2 nodes, sets its desired size to 3 and to 0, scales it by 2, removes
// one of its nodes, upgrades its image and deletes it with force; each task is followed with DescribeTaskInfo.
// Prints one line per step, "step <name>: passed (...)" or "step <name>: failed: <reason>", and exits 1 on the first
// failure (after deleting the cluster).

const mode = process.argv[2] || process.env.ACK_SIGNATURE || 'v3';
const endpoint = process.argv[3] || process.env.ACK_ENDPOINT || 'http://127.0.0.1:8470';
const waitSeconds = Number(process.env.ACK_WAIT_TIMEOUT || 60);

const Cs = require('@alicloud/cs20151215');
const { $OpenApiUtil } = require('@alicloud/openapi-core');

const CLUSTER = {
  name: `pool-${mode}`, clusterType: 'ManagedKubernetes', regionId: 'cn-hangzhou', vpcid: 'vpc-test0001',
  vswitchIds: ['vsw-test0001'], containerCidr: '172.20.0.0/16', serviceCidr: '172.21.0.0/20', numOfNodes: 1,
  workerInstanceTypes: ['ecs.g7.xlarge'], workerSystemDiskCategory: 'cloud_essd', workerSystemDiskSize: 120,
  keyPair: 'test-key', snatEntry: true,
};
const IMAGE = 'aliyun_3_x64_20G_alibase_20240819.vhd';

function client() {
  const url = new URL(endpoint);
  const config = new $OpenApiUtil.Config({
    accessKeyId: process.env.ALIBABA_CLOUD_ACCESS_KEY_ID, accessKeySecret: process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET,
    endpoint: url.host, protocol: url.protocol.replace(':', ''), regionId: 'cn-hangzhou',
  });
  if (mode === 'v2') config.signatureAlgorithm = 'v2';
  return new Cs.default(config);
}

const { StepError, check, until: waitFor } = require('./steps');

const until = (what, fn) => waitFor(what, fn, waitSeconds);

function describeError(e) {
  if (e instanceof StepError) return e.message;
  if (e && e.code && e.statusCode) return `HTTP ${e.statusCode} ${e.code}: ${e.message}`;
  return String((e && e.stack) || e);
}

async function main() {
  if (!['v3', 'v2'].includes(mode)) {
    console.log(`step setup: failed: unknown mode ${mode} (v3 or v2)`);
    return 2;
  }
  const cs = client();
  const body = async (promise) => (await promise).body.toMap();
  let cid;
  let pid;

  // a task followed to its end: its stages only ever get added, and it ends in success
  const follow = async (taskId) => {
    let stages = [];
    const task = await until(`task ${taskId}`, async () => {
      const t = await body(cs.describeTaskInfo(taskId));
      const names = (t.stages || []).map((s) => s.message);
      check(stages.every((s, i) => names[i] === s), `stages went from ${stages} to ${names}`);
      stages = names;
      return { done: ['success', 'failed'].includes(t.state), value: t };
    });
    check(task.state === 'success', `task ${taskId} ${task.state}: ${JSON.stringify(task.error)}`);
    return `${task.task_type}: ${stages.join(' > ')}`;
  };
  const detail = () => body(cs.describeClusterNodePoolDetail(cid, pid));
  const sized = async (want) => {
    const pool = await detail();
    const got = [pool.scaling_group.desired_size, pool.status.total_nodes, pool.status.healthy_nodes];
    check(pool.status.state === 'active', `pool ${pool.status.state}`);
    check(got.every((n) => n === want), `desired/total/healthy ${got}, expected ${want}`);
    return `${want} nodes`;
  };
  const resize = async (size) => {
    const r = await body(cs.modifyClusterNodePool(cid, pid, new Cs.ModifyClusterNodePoolRequest({
      scalingGroup: new Cs.ModifyClusterNodePoolRequestScalingGroup({ desiredSize: size }) })));
    check(r.nodepool_id === pid && r.task_id, `answer ${JSON.stringify(r)}`);
    await follow(r.task_id);
    return sized(size);
  };

  const steps = [
    ['cluster', async () => {
      const r = await body(cs.createCluster(new Cs.CreateClusterRequest(CLUSTER)));
      cid = r.cluster_id;
      await follow(r.task_id);
      const pools = (await body(cs.describeClusterNodePools(cid, new Cs.DescribeClusterNodePoolsRequest({})))).nodepools;
      check(pools.length === 1 && pools[0].nodepool_info.is_default, `pools ${JSON.stringify(pools)}`);
      return `${cid} with its default pool ${pools[0].nodepool_info.name}`;
    }],
    ['create', async () => {
      const r = await body(cs.createClusterNodePool(cid, new Cs.CreateClusterNodePoolRequest({
        nodepoolInfo: new Cs.CreateClusterNodePoolRequestNodepoolInfo({ name: 'web' }),
        scalingGroup: new Cs.CreateClusterNodePoolRequestScalingGroup({
          instanceTypes: ['ecs.g7.xlarge'], vswitchIds: ['vsw-test0001'], keyPair: 'test-key', desiredSize: 2 }),
        kubernetesConfig: new Cs.CreateClusterNodePoolRequestKubernetesConfig({
          runtime: 'containerd', labels: [new Cs.Tag({ key: 'tier', value: 'web' })] }),
      })));
      pid = r.nodepool_id;
      check(pid && r.task_id, `answer ${JSON.stringify(r)}`);
      return `${pid}, ${await follow(r.task_id)}`;
    }],
    ['describe', async () => {
      const named = (await body(cs.describeClusterNodePools(cid, new Cs.DescribeClusterNodePoolsRequest({
        nodepoolName: 'web' })))).nodepools;
      check(named.length === 1 && named[0].nodepool_info.nodepool_id === pid, `by name: ${JSON.stringify(named)}`);
      const labels = (await detail()).kubernetes_config.labels;
      check(JSON.stringify(labels) === '[{"key":"tier","value":"web"}]', `labels ${JSON.stringify(labels)}`);
      return sized(2);
    }],
    ['desired_size', async () => `${await resize(3)}, then ${await resize(0)}`],
    ['scale', async () => {
      const r = await body(cs.scaleClusterNodePool(cid, pid, new Cs.ScaleClusterNodePoolRequest({ count: 2 })));
      await follow(r.task_id);
      return sized(2);
    }],
    ['remove_nodes', async () => {
      const nodes = (await body(cs.describeClusterNodes(cid, new Cs.DescribeClusterNodesRequest({
        nodepoolId: pid, pageSize: '100' })))).nodes;
      check(nodes.length === 2, `${nodes.length} nodes listed in the pool`);
      const r = await body(cs.removeNodePoolNodes(cid, pid, new Cs.RemoveNodePoolNodesRequest({
        nodes: [nodes[0].node_name], drainNode: true, releaseNode: true })));
      await follow(r.task_id);
      return sized(1);
    }],
    ['upgrade', async () => {
      const r = await body(cs.upgradeClusterNodepool(cid, pid, new Cs.UpgradeClusterNodepoolRequest({ imageId: IMAGE })));
      const stages = await follow(r.task_id);
      const image = (await detail()).scaling_group.image_id;
      check(image === IMAGE, `image ${image}`);
      return stages;
    }],
    ['delete', async () => {
      const r = await body(cs.deleteClusterNodepool(cid, pid, new Cs.DeleteClusterNodepoolRequest({ force: true })));
      await follow(r.task_id);
      try {
        await detail();
      } catch (e) {
        check(e.statusCode === 404 && e.code === 'ErrorNodePoolNotFound', describeError(e));
        return `404 ${e.code}`;
      }
      throw new StepError('the pool is still there');
    }],
  ];

  for (const [step, run] of steps) {
    try {
      console.log(`step ${step}: passed (${await run()})`);
    } catch (e) {
      console.log(`step ${step}: failed: ${describeError(e).replace(/\s*\n\s*/g, ' | ')}`);
      if (cid) await cs.deleteCluster(cid, new Cs.DeleteClusterRequest({})).catch(() => {});
      return 1;
    }
  }
  await cs.deleteCluster(cid, new Cs.DeleteClusterRequest({}));
  return 0;
}

// exit at once: the SDK's keep-alive sockets would otherwise hold the process until the server closes them
main().then((rc) => process.exit(rc), (e) => {
  console.log(`step setup: failed: ${e.stack || e}`);
  process.exit(1);
});
