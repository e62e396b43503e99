'use strict';
// A managed cluster's life cycle through an official Alibaba Cloud Node.js SDK, against an ACK endpoint.
//
//   node lifecycle.js <mode> [endpoint]
//   mode: v3 (@alicloud/cs20151215, ACS3-HMAC-SHA256), v2 (@alicloud/cs20151215, ROA HMAC-SHA1)
//         or roa (@alicloud/pop-core ROAClient); default $ACK_SIGNATURE or v3
//   endpoint: http://127.0.0.1:8470 (default $ACK_ENDPOINT)
//   credentials: $ALIBABA_CLOUD_ACCESS_KEY_ID / $ALIBABA_CLOUD_ACCESS_KEY_SECRET
//   $ACK_WAIT_TIMEOUT: seconds each wait may take (default 60)
//
// Prints one line per step, "step <name>: passed (...)" or "step <name>: failed: <reason>", and exits 1 on the
// first failure (after deleting what it created).

const mode = process.argv[2] || process.env.ACK_SIGNATURE || 'v3';
const endpoint = process.argv[3] || process.env.ACK_ENDPOINT || 'http://127.0.0.1:8470';
const keyId = process.env.ALIBABA_CLOUD_ACCESS_KEY_ID;
const keySecret = process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET;
const waitSeconds = Number(process.env.ACK_WAIT_TIMEOUT || 60);

// What the emulator accepts for a managed cluster (tests/emulator/conftest.py MANAGED_BODY).
const BASE = {
  cluster_type: 'ManagedKubernetes', region_id: 'cn-hangzhou', vpcid: 'vpc-test0001',
  vswitch_ids: ['vsw-test0001'], container_cidr: '172.20.0.0/16', service_cidr: '172.21.0.0/20',
  num_of_nodes: 2, worker_instance_types: ['ecs.g7.xlarge'], worker_system_disk_category: 'cloud_essd',
  worker_system_disk_size: 120, key_pair: 'test-key', snat_entry: true,
};
const SCALE = {
  count: 1, key_pair: 'test-key', worker_instance_types: ['ecs.g7.xlarge'], vswitch_ids: ['vsw-test0001'],
  worker_system_disk_category: 'cloud_essd', worker_system_disk_size: 120,
};

// The Authorization scheme of every request sent (Node's http client reports each request here).
const SCHEME = { v3: 'ACS3-HMAC-SHA256', v2: 'acs', roa: 'acs' };
const schemes = new Set();
require('node:diagnostics_channel').subscribe('http.client.request.start', ({ request }) => {
  schemes.add(String(request.getHeader('authorization')).split(' ')[0]);
});

// -- the three clients behind one interface; answers in the wire's snake_case ----------------------------------
// create(body) detail(id) list(pageNumber, pageSize) nodes(id) scaleOut(id, body) setTags(id, tags) remove(id)
// Errors are thrown as {status, code, message}.

function camel(s) {
  return s.replace(/_([a-z])/g, (m, c) => c.toUpperCase());
}

function sdkClient(algorithm) {
  const Cs = require('@alicloud/cs20151215');
  const { $OpenApiUtil } = require('@alicloud/openapi-core');
  const url = new URL(endpoint);
  const config = new $OpenApiUtil.Config({
    accessKeyId: keyId, accessKeySecret: keySecret, endpoint: url.host,
    protocol: url.protocol.replace(':', ''), regionId: 'cn-hangzhou',
  });
  if (algorithm) config.signatureAlgorithm = algorithm;
  const client = new Cs.default(config);
  const model = (Cls, snake) => new Cls(Object.fromEntries(Object.entries(snake).map(([k, v]) => [camel(k), v])));
  const tags = (list) => list.map((t) => new Cs.Tag(t));
  const call = async (fn) => {
    try {
      const res = await fn();
      return { status: res.statusCode, body: res.body && res.body.toMap ? res.body.toMap() : res.body };
    } catch (e) {
      throw { status: e.statusCode || (e.data && e.data.statusCode), code: e.code, message: e.message };
    }
  };
  return {
    create: (body) => call(() => client.createCluster(model(Cs.CreateClusterRequest,
      Object.assign({}, body, { tags: tags(body.tags) })))),
    detail: (id) => call(() => client.describeClusterDetail(id)),
    list: (number, size) => call(() => client.describeClustersV1(
      new Cs.DescribeClustersV1Request({ pageNumber: number, pageSize: size }))),
    nodes: (id) => call(() => client.describeClusterNodes(id, new Cs.DescribeClusterNodesRequest({ pageSize: '100' }))),
    scaleOut: (id, body) => call(() => client.scaleOutCluster(id, model(Cs.ScaleOutClusterRequest, body))),
    setTags: (id, list) => call(() => client.modifyClusterTags(id,
      new Cs.ModifyClusterTagsRequest({ body: tags(list) }))),
    remove: (id) => call(() => client.deleteCluster(id, new Cs.DeleteClusterRequest({}))),
  };
}

function popClient() {
  const ROAClient = require('@alicloud/pop-core').ROAClient;
  const client = new ROAClient({ accessKeyId: keyId, accessKeySecret: keySecret, endpoint, apiVersion: '2015-12-15' });
  const json = { 'content-type': 'application/json' };
  const call = async (method, path, query, body) => {
    try {
      const res = await client.request(method, path, query || {}, body === undefined ? '' : JSON.stringify(body),
        body === undefined ? {} : json, { timeout: 30000 });
      return { status: null, body: res }; // pop-core does not report the status of a success
    } catch (e) {
      const r = e.result || {};
      throw { status: e.statusCode, code: r.code || r.Code || e.code, message: r.message || r.Message || e.message };
    }
  };
  const enc = encodeURIComponent;
  return {
    create: (body) => call('POST', '/clusters', {}, body),
    detail: (id) => call('GET', `/clusters/${enc(id)}`),
    list: (number, size) => call('GET', '/api/v1/clusters', { page_number: number, page_size: size }),
    nodes: (id) => call('GET', `/clusters/${enc(id)}/nodes`, { pageSize: 100 }),
    scaleOut: (id, body) => call('POST', `/api/v2/clusters/${enc(id)}`, {}, body),
    setTags: (id, list) => call('POST', `/clusters/${enc(id)}/tags`, {}, list),
    remove: (id) => call('DELETE', `/clusters/${enc(id)}`),
  };
}

// -- helpers ------------------------------------------------------------------------------------------------
const { StepError, check, until: waitFor } = require('./steps');

const until = (what, fn) => waitFor(what, fn, waitSeconds);

function tagPairs(tags) {
  return (tags || []).map((t) => `${t.key}=${t.value}`).sort();
}

function describeError(e) {
  if (e instanceof StepError) return e.message;
  if (e instanceof Error) return String(e.stack);
  return `HTTP ${e.status} ${e.code}: ${e.message}`;
}

async function cleanUp(api, ids) {
  // delete what a failed run created; a cluster still being created refuses (InvalidStatus) until it is running
  for (const cid of ids) {
    await until(`cleanup of ${cid}`, async () => {
      try {
        await api.remove(cid);
        return { done: true };
      } catch (e) {
        return { done: !String(e.code).startsWith('InvalidStatus'), value: e.code };
      }
    }).catch((e) => console.log(`cleanup: ${describeError(e)}`));
  }
}

// -- the life cycle -----------------------------------------------------------------------------------------
async function main() {
  if (!['v3', 'v2', 'roa'].includes(mode)) {
    console.log(`step setup: failed: unknown mode ${mode} (v3, v2 or roa)`);
    return 2;
  }
  if (!keyId || !keySecret) {
    console.log('step setup: failed: set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET');
    return 2;
  }
  const api = mode === 'roa' ? popClient() : sdkClient(mode === 'v2' ? 'v2' : null);
  const name = `节点测试-${mode}-集群`; // letters, digits, Chinese characters and hyphens
  const tags = [{ key: '环境', value: '测试' }, { key: 'sdk', value: `node-${mode}` }];
  const created = [];
  let id;

  const waitRunning = (cid, grown) => until(`cluster ${cid} running`, async () => {
    const d = (await api.detail(cid)).body;
    if (d.state === 'failed') throw new StepError(`cluster ${cid} failed`);
    return { done: d.state === 'running' && (!grown || (await grown())), value: d.state };
  });

  const steps = [
    ['create', async () => {
      const second = { name: `${name}-二`, tags: [{ key: 'sdk', value: `node-${mode}` }],
        container_cidr: '172.22.0.0/16', service_cidr: '172.23.0.0/20' }; // CIDRs may not overlap in one VPC
      for (const extra of [{ name, tags }, second]) {
        const r = await api.create(Object.assign({}, BASE, extra));
        check(r.status === null || r.status === 202, `HTTP ${r.status}, expected 202`);
        check(r.body.cluster_id && r.body.task_id, `no cluster_id/task_id in ${JSON.stringify(r.body)}`);
        created.push(r.body.cluster_id);
      }
      id = created[0];
      return `${created.join(', ')}`;
    }],
    ['wait_running', async () => {
      for (const cid of created) await waitRunning(cid);
      return `${created.length} clusters running`;
    }],
    ['detail', async () => {
      const d = (await api.detail(id)).body;
      check(d.cluster_id === id, `cluster_id ${d.cluster_id}, expected ${id}`);
      check(d.name === name, `name ${JSON.stringify(d.name)}, expected ${JSON.stringify(name)}`);
      check(d.cluster_type === 'ManagedKubernetes', `cluster_type ${d.cluster_type}`);
      const got = tagPairs(d.tags);
      for (const t of tagPairs(tags)) check(got.includes(t), `tag ${t} missing from ${JSON.stringify(got)}`);
      return `name ${d.name}, tags ${got.join(' ')}`;
    }],
    ['list', async () => {
      const seen = [];
      let total = Infinity;
      for (let page = 1; seen.length < total; page++) {
        check(page <= 100, 'more than 100 pages');
        const b = (await api.list(page, 1)).body;
        const info = b.page_info || {};
        check(info.page_number === page && info.page_size === 1, `page_info ${JSON.stringify(info)} on page ${page}`);
        check(b.clusters.length === 1, `${b.clusters.length} clusters on page ${page} of size 1`);
        total = info.total_count;
        seen.push(b.clusters[0].cluster_id);
      }
      check(total >= 2, `total_count ${total}, expected at least 2`);
      check(new Set(seen).size === seen.length, `a cluster listed twice: ${seen}`);
      for (const cid of created) check(seen.includes(cid), `${cid} not listed in ${seen}`);
      return `${seen.length} pages of 1, total_count ${total}`;
    }],
    ['scale_out', async () => {
      const count = async () => (await api.nodes(id)).body.nodes.length;
      const before = await count();
      const r = await api.scaleOut(id, SCALE);
      check(r.body.cluster_id === id && r.body.task_id, `answer ${JSON.stringify(r.body)}`);
      let after;
      await waitRunning(id, async () => (after = await count()) === before + SCALE.count);
      const page = (await api.nodes(id)).body.page || {};
      check(page.total_count === after, `page.total_count ${page.total_count}, ${after} nodes listed`);
      return `nodes ${before} -> ${after}`;
    }],
    ['tag', async () => {
      const want = tags.concat([{ key: 'stage', value: '扩容后' }]);
      await api.setTags(id, want);
      const got = tagPairs((await api.detail(id)).body.tags);
      for (const t of tagPairs(want)) check(got.includes(t), `tag ${t} missing from ${JSON.stringify(got)}`);
      return `tags ${got.join(' ')}`;
    }],
    ['delete', async () => {
      for (const cid of created) {
        const r = await api.remove(cid);
        check(r.body.cluster_id === cid, `answer ${JSON.stringify(r.body)}`);
      }
      let gone;
      for (const cid of created) {
        gone = await until(`cluster ${cid} gone`, async () => {
          try {
            return { done: false, value: (await api.detail(cid)).body.state };
          } catch (e) {
            if (e.status === 404) return { done: true, value: e };
            throw e;
          }
        });
        check(gone.code === 'ErrorClusterNotFound', `404 with code ${gone.code}, expected ErrorClusterNotFound`);
      }
      created.length = 0;
      return `404 ${gone.code}`;
    }],
    ['signature', async () => {
      const seen = [...schemes].join(', ');
      check(schemes.size === 1 && schemes.has(SCHEME[mode]), `Authorization schemes sent: ${seen}`);
      return `every request signed with ${seen}`;
    }],
  ];

  for (const [step, run] of steps) {
    try {
      console.log(`step ${step}: passed (${await run()})`);
    } catch (e) {
      console.log(`step ${step}: failed: ${describeError(e).replace(/\s*\n\s*/g, ' | ')}`);
      await cleanUp(api, created);
      return 1;
    }
  }
  return 0;
}

// exit at once: the SDKs' keep-alive sockets would otherwise hold the process until the server closes them
main().then((rc) => process.exit(rc), (e) => {
  console.log(`step setup: failed: ${e.stack || e}`);
  process.exit(1);
});
