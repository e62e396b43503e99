"""The official SDKs, unchanged, against the emulator: aliyun-python-sdk-cs on aliyun-python-sdk-core, and
alibabacloud-cs20151215 with signature_algorithm='v2' and with the default ACS3-HMAC-SHA256. Each runs
create -> describe -> list -> scale -> delete and sees the documented results; a request tampered with in transit
(by a proxy between the SDK and the emulator) is refused."""
import http.client
import http.server
import json
import threading

import pytest
from aliyunsdkcore.acs_exception.exceptions import ServerException
from aliyunsdkcs.request.v20151215 import (CreateClusterRequest, DeleteClusterRequest, DescribeClusterDetailRequest,
                                           DescribeClusterNodesRequest, DescribeClustersV1Request,
                                           ScaleOutClusterRequest)
from alibabacloud_cs20151215 import models

from conftest import MANAGED_BODY, SdkOld, new_sdk_client


def wait_running(emulator, cid):
    return emulator.wait_cluster(cid)


# -- old core ---------------------------------------------------------------------------------------------------
def old_create(sdk, body, json_content):
    req = CreateClusterRequest.CreateClusterRequest()
    req.set_name(body['name'])
    req.set_cluster_type(body['cluster_type'])
    req.set_region_id(body['region_id'])
    req.set_vpcid(body['vpcid'])
    req.set_num_of_nodes(body['num_of_nodes'])
    req.set_worker_system_disk_category(body['worker_system_disk_category'])
    req.set_worker_system_disk_size(body['worker_system_disk_size'])
    if body.get('key_pair'):
        req.set_key_pair(body['key_pair'])
    if body.get('login_password'):
        req.set_login_password(body['login_password'])
    req.set_snat_entry(body['snat_entry'])
    req.set_container_cidr(body['container_cidr'])
    req.set_service_cidr(body['service_cidr'])
    # list parameters have no setters in aliyun-python-sdk-cs: add_body_params is the documented way
    req.add_body_params('vswitch_ids', body['vswitch_ids'])
    req.add_body_params('worker_instance_types', body['worker_instance_types'])
    req.add_body_params('tags', [{'key': 'sdk', 'value': 'old'}])
    if json_content:
        req.set_content_type('application/json')
    return sdk.do(req)


@pytest.mark.parametrize('json_content', [True, False], ids=['json-body', 'form-body'])
def test_old_core_life_cycle(emulator, sdk_old, json_content):
    created = old_create(sdk_old, dict(MANAGED_BODY, name='sdk-old'), json_content)
    assert set(created) == {'cluster_id', 'request_id', 'task_id'}
    cid = created['cluster_id']
    wait_running(emulator, cid)

    req = DescribeClusterDetailRequest.DescribeClusterDetailRequest()
    req.set_ClusterId(cid)
    d = sdk_old.do(req)
    assert (d['cluster_id'], d['name'], d['state'], d['size']) == (cid, 'sdk-old', 'running', 2)
    assert {'key': 'sdk', 'value': 'old'} in d['tags']
    assert d['vswitch_ids'] == ['vsw-test0001']

    req = DescribeClustersV1Request.DescribeClustersV1Request()
    req.set_Name('sdk-old')
    req.set_page_size(10)
    req.set_page_number(1)
    listed = sdk_old.do(req)
    assert [c['cluster_id'] for c in listed['clusters']] == [cid]
    assert listed['page_info'] == {'page_number': 1, 'page_size': 10, 'total_count': 1}

    req = ScaleOutClusterRequest.ScaleOutClusterRequest()
    req.set_ClusterId(cid)
    req.set_count(1)
    req.set_key_pair('test-key')
    req.set_worker_system_disk_category('cloud_essd')
    req.set_worker_system_disk_size(120)
    req.add_body_params('worker_instance_types', ['ecs.g7.xlarge'])
    req.add_body_params('vswitch_ids', ['vsw-test0001'])
    req.set_content_type('application/json')
    scaled = sdk_old.do(req)
    assert scaled['cluster_id'] == cid and scaled['task_id']
    emulator.wait_task(scaled['task_id'])
    wait_running(emulator, cid)
    req = DescribeClusterNodesRequest.DescribeClusterNodesRequest()
    req.set_ClusterId(cid)
    req.set_pageSize(10)
    req.set_pageNumber(1)
    assert sdk_old.do(req)['page']['total_count'] == 3

    req = DeleteClusterRequest.DeleteClusterRequest()
    req.set_ClusterId(cid)
    deleted = sdk_old.do(req)
    assert deleted['cluster_id'] == cid
    emulator.wait_gone(cid)
    req = DescribeClusterDetailRequest.DescribeClusterDetailRequest()
    req.set_ClusterId(cid)
    with pytest.raises(ServerException) as e:
        sdk_old.do(req)
    # ACK's own errors use lower-case keys: the old core reads only Code/Message, so it reports
    # SDK.UnknownServerError with the body in the message (as it does against the real service)
    assert e.value.get_http_status() == 404
    assert e.value.get_error_code() == 'SDK.UnknownServerError'
    assert json.loads(e.value.get_error_msg().split('ServerResponseBody: ', 1)[1])['code'] == 'ErrorClusterNotFound'


def test_old_core_errors(emulator, sdk_old):
    req = DescribeClusterDetailRequest.DescribeClusterDetailRequest()
    req.set_ClusterId('cnothere')
    wrong = SdkOld(emulator, access_key_secret='wrong-secret')
    with pytest.raises(ServerException) as e:
        wrong.do(req)
    assert (e.value.get_http_status(), e.value.get_error_code()) == (400, 'SignatureDoesNotMatch')
    assert e.value.get_error_msg().startswith('Specified signature is not matched with our calculation.')
    with pytest.raises(ServerException) as e:
        old_create(sdk_old, dict(MANAGED_BODY, key_pair=None, login_password='weak'), True)
    assert e.value.get_http_status() == 400
    assert json.loads(e.value.get_error_msg().split('ServerResponseBody: ', 1)[1])['code'] == 'InvalidParameter'


# -- new SDK (v2 and v3) ------------------------------------------------------------------------------------------
def new_create_request(name):
    b = MANAGED_BODY
    return models.CreateClusterRequest(
        name=name, cluster_type=b['cluster_type'], region_id=b['region_id'], vpcid=b['vpcid'],
        vswitch_ids=b['vswitch_ids'], container_cidr=b['container_cidr'], service_cidr=b['service_cidr'],
        num_of_nodes=b['num_of_nodes'], worker_instance_types=b['worker_instance_types'],
        worker_system_disk_category=b['worker_system_disk_category'],
        worker_system_disk_size=b['worker_system_disk_size'], key_pair=b['key_pair'], snat_entry=True,
        tags=[models.Tag(key='sdk', value='new')], deletion_protection=False)


def error_of(exc):
    """The server error inside the new SDK's exception (it wraps it in UnretryableException)."""
    inner = getattr(exc, 'inner_exception', None) or getattr(getattr(exc, 'last_request', None), 'exception', None)
    for e in (exc, inner, getattr(exc, '__cause__', None), getattr(exc, '__context__', None)):
        if e is not None and getattr(e, 'code', None):
            return e
    return exc


@pytest.mark.parametrize('algorithm', ['v2', 'v3'])
def test_new_sdk_life_cycle(emulator, algorithm):
    client = new_sdk_client(emulator, 'v2' if algorithm == 'v2' else None)
    created = client.create_cluster(new_create_request('sdk-' + algorithm))
    assert created.status_code == 202
    cid, task_id = created.body.cluster_id, created.body.task_id
    assert cid and task_id and created.body.request_id

    task = emulator.wait(lambda: (lambda t: t if t.body.state in ('success', 'failed') else None)(
        client.describe_task_info(task_id)))
    assert (task.body.state, task.body.cluster_id, task.body.task_type) == ('success', cid, 'cluster_create')
    d = client.describe_cluster_detail(cid).body
    assert (d.cluster_id, d.name, d.state, d.size, d.cluster_type) == (cid, 'sdk-' + algorithm, 'running', 2,
                                                                       'ManagedKubernetes')
    assert ('sdk', 'new') in [(t.key, t.value) for t in d.tags]
    assert d.vswitch_ids == ['vsw-test0001'] and d.deletion_protection is False
    assert d.parameters['WorkerInstanceTypes'] == 'ecs.g7.xlarge'

    listed = client.describe_clusters_v1(models.DescribeClustersV1Request(name='sdk-', page_size=10,
                                                                          page_number=1)).body
    assert [c.cluster_id for c in listed.clusters] == [cid]
    assert (listed.page_info.total_count, listed.page_info.page_size) == (1, 10)
    arr = client.describe_clusters(models.DescribeClustersRequest(cluster_type='ManagedKubernetes')).body
    assert [c.cluster_id for c in arr] == [cid]

    scaled = client.scale_out_cluster(cid, models.ScaleOutClusterRequest(
        count=2, key_pair='test-key', worker_instance_types=['ecs.g7.xlarge'], vswitch_ids=['vsw-test0001'],
        worker_system_disk_category='cloud_essd', worker_system_disk_size=120)).body
    assert scaled.cluster_id == cid and scaled.task_id
    emulator.wait_task(scaled.task_id)
    wait_running(emulator, cid)
    nodes = client.describe_cluster_nodes(cid, models.DescribeClusterNodesRequest(page_size=10)).body
    assert nodes.page.total_count == 4 and len(nodes.nodes) == 4

    tags = client.modify_cluster_tags(cid, models.ModifyClusterTagsRequest(body=[models.Tag(key='k', value='v')]))
    assert tags.status_code == 200
    assert ('k', 'v') in [(t.key, t.value) for t in client.describe_cluster_detail(cid).body.tags]

    deleted = client.delete_cluster(cid, models.DeleteClusterRequest()).body
    assert deleted.cluster_id == cid and deleted.task_id
    emulator.wait_gone(cid)
    with pytest.raises(Exception) as e:
        client.describe_cluster_detail(cid)
    err = error_of(e.value)
    assert (err.code, err.status_code) == ('ErrorClusterNotFound', 404)


@pytest.mark.parametrize('algorithm', ['v2', 'v3'])
def test_new_sdk_errors(emulator, algorithm):
    wrong = new_sdk_client(emulator, 'v2' if algorithm == 'v2' else None, access_key_secret='wrong-secret')
    with pytest.raises(Exception) as e:
        wrong.describe_user_quota()
    err = error_of(e.value)
    assert (err.code, err.status_code) == ('SignatureDoesNotMatch', 400)
    client = new_sdk_client(emulator, 'v2' if algorithm == 'v2' else None)
    req = new_create_request('bad')
    req.key_pair, req.login_password = None, 'weak'
    with pytest.raises(Exception) as e:
        client.create_cluster(req)
    err = error_of(e.value)
    assert (err.code, err.status_code) == ('InvalidParameter', 400)
    assert client.describe_user_quota().body.cluster_quota > 0


# -- tampering in transit -----------------------------------------------------------------------------------------
class TamperProxy:
    """Forwards HTTP requests to the emulator after rewriting the request target with ``tamper(target)``."""

    def __init__(self, upstream_port, tamper):
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'

            def _any(self):
                length = int(self.headers.get('Content-Length') or 0)
                body = self.rfile.read(length) if length else None
                conn = http.client.HTTPConnection('127.0.0.1', upstream_port, timeout=30)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ('connection',)}
                conn.request(self.command, tamper(self.path), body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                proxy.seen.append((self.command, self.path, resp.status))
                self.send_response(resp.status)
                for k, val in resp.getheaders():
                    if k.lower() not in ('connection', 'transfer-encoding', 'content-length'):
                        self.send_header(k, val)
                self.send_header('Content-Length', str(len(data)))
                self.send_header('Connection', 'close')
                self.end_headers()
                self.wfile.write(data)
                conn.close()

            do_GET = do_POST = do_PUT = do_DELETE = _any

            def log_message(self, *args):
                pass

        self.seen = []
        self.server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class _ProxyView:
    def __init__(self, emu, port):
        self.port = port
        self.access_key_id = emu.access_key_id
        self.access_key_secret = emu.access_key_secret


@pytest.fixture
def tamper_proxy(emulator):
    def tamper(target):
        return target.replace('page_size=10', 'page_size=99')
    proxy = TamperProxy(emulator.port, tamper)
    yield _ProxyView(emulator, proxy.port), proxy
    proxy.close()


def test_tampered_request_refused_old_core(tamper_proxy):
    view, proxy = tamper_proxy
    sdk = SdkOld(view)
    req = DescribeClustersV1Request.DescribeClustersV1Request()
    req.set_page_size(5)
    assert sdk.do(req)['page_info']['page_size'] == 5  # untouched request goes through the proxy fine
    req = DescribeClustersV1Request.DescribeClustersV1Request()
    req.set_page_size(10)
    with pytest.raises(ServerException) as e:
        sdk.do(req)
    assert (e.value.get_http_status(), e.value.get_error_code()) == (400, 'SignatureDoesNotMatch')
    assert proxy.seen[-1][2] == 400


@pytest.mark.parametrize('algorithm', ['v2', 'v3'])
def test_tampered_request_refused_new_sdk(tamper_proxy, algorithm):
    view, proxy = tamper_proxy
    client = new_sdk_client(view, 'v2' if algorithm == 'v2' else None)
    assert client.describe_clusters_v1(models.DescribeClustersV1Request(page_size=5)).body.page_info.page_size == 5
    with pytest.raises(Exception) as e:
        client.describe_clusters_v1(models.DescribeClustersV1Request(page_size=10))
    err = error_of(e.value)
    assert (err.code, err.status_code) == ('SignatureDoesNotMatch', 400)
    assert proxy.seen[-1][2] == 400
