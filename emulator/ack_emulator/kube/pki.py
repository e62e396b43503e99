"""Per-cluster X.509: a CA, the API server's certificate and client certificates (the ``cryptography`` library).

Everything is kept in one document per cluster (kind ``kube_pki``, id = cluster id) so a restarted emulator keeps
its CAs and the kubeconfigs it handed out keep working. Keys are ECDSA P-256 (fast to make; kubectl, curl and the
Python client all accept them).
"""
import base64
import datetime
import hashlib
import ipaddress

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

KIND = 'kube_pki'
YEAR = 365 * 86400
SERVER_NAMES = ('localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc',
                'kubernetes.default.svc.cluster.local')


def _utc(ts):
    return datetime.datetime.fromtimestamp(ts, datetime.timezone.utc)


def _key_pem(key):
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                             serialization.NoEncryption()).decode()


def _cert_pem(cert):
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def _name(cn, org=None, unit=None):
    attrs = []
    if org:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, org))
    if unit:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, cn))
    return x509.Name(attrs)


def _issue(subject, key, issuer_cert, issuer_key, not_before, not_after, usage, extra=()):
    builder = (x509.CertificateBuilder().subject_name(subject).public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(_utc(not_before)).not_valid_after(_utc(not_after)))
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    builder = builder.add_extension(ski, critical=False)
    if issuer_cert is None:  # self-signed CA
        builder = (builder.issuer_name(subject)
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                   .add_extension(x509.KeyUsage(True, False, False, False, False, True, True, False, False),
                                  critical=True))
        issuer_key = key
    else:
        builder = (builder.issuer_name(issuer_cert.subject)
                   .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                   .add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False, False),
                                  critical=True)
                   .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
                   .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
                                  critical=False))
    for ext in extra:
        builder = builder.add_extension(ext, critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def new_pki(cluster, now):
    """A new CA and API server certificate for ``cluster`` (a dict to store)."""
    cid = cluster['cluster_id']
    created = cluster.get('_created_at') or now
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _issue(_name('kubernetes', cid, 'default'), ca_key, None, None, created - 86400, created + 10 * YEAR, None)
    sans = [x509.DNSName(n) for n in SERVER_NAMES] + [x509.IPAddress(ipaddress.ip_address('127.0.0.1'))]
    for ip in (cluster.get('_public_ip'), cluster.get('_intranet_ip')):
        try:
            sans.append(x509.IPAddress(ipaddress.ip_address(ip)))
        except ValueError:
            pass
    server_key = ec.generate_private_key(ec.SECP256R1())
    server = _issue(_name('kube-apiserver'), server_key, ca, ca_key, created - 86400, created + 10 * YEAR,
                    ExtendedKeyUsageOID.SERVER_AUTH, [x509.SubjectAlternativeName(sans)])
    return {'cluster_id': cid, 'ca_cert': _cert_pem(ca), 'ca_key': _key_pem(ca_key),
            'server_cert': _cert_pem(server), 'server_key': _key_pem(server_key), 'users': {}}


def get_or_create(db, cluster, now):
    """The cluster's PKI document, made and stored on first use."""
    with db.transaction():
        doc = db.get(KIND, cluster['cluster_id'], now=now)
        if doc is None:
            doc = new_pki(cluster, now)
            db.put(KIND, cluster['cluster_id'], doc)
    return doc


def client_cert(pki, user, not_before, not_after):
    """``(cert_pem, key_pem)`` of a client certificate for ``user`` signed by the cluster's CA."""
    ca = x509.load_pem_x509_certificate(pki['ca_cert'].encode())
    ca_key = serialization.load_pem_private_key(pki['ca_key'].encode(), None)
    key = ec.generate_private_key(ec.SECP256R1())
    not_before = max(not_before, ca.not_valid_before_utc.timestamp())
    cert = _issue(_name(user, 'system:users'), key, ca, ca_key, not_before, not_after, ExtendedKeyUsageOID.CLIENT_AUTH)
    return _cert_pem(cert), _key_pem(key)


def not_after(der):
    """Expiry (epoch seconds) of a DER certificate."""
    return x509.load_der_x509_certificate(der).not_valid_after_utc.timestamp()


def serial(der):
    """The serial number (hex text) of a DER certificate."""
    return format(x509.load_der_x509_certificate(der).serial_number, 'x')


# -- what was issued, and revocation (RevokeK8sClusterKubeConfig) ------------------------------------------------
# ``issued``: one record per client certificate {account, user, serial, issued_at, not_after, temporary,
# revoked_at}; ``crl``: the CA's list of revoked serials that the TLS handshake checks; ``revision`` counts the
# revocations (the listeners rebuild a cluster's TLS context when it moves).
def _record(account, user, cert, issued_at, temporary):
    parsed = x509.load_pem_x509_certificate(cert.encode())
    return {'account': account, 'user': user, 'serial': format(parsed.serial_number, 'x'),
            'issued_at': parsed.not_valid_before_utc.timestamp() if issued_at is None else issued_at,
            'not_after': parsed.not_valid_after_utc.timestamp(), 'temporary': temporary, 'revoked_at': None}


def record(pki, account, user, cert, now, temporary):
    """Keep the record of a certificate issued to ``account`` (temporary ones are dropped a day after expiry)."""
    kept = [r for r in pki.get('issued') or [] if not (r['temporary'] and r['not_after'] < now - 86400)]
    pki['issued'] = kept + [_record(account, user, cert, now, temporary)]


def issued(pki):
    """Every record, those of long-lived certificates issued before records were kept included."""
    records = list(pki.get('issued') or [])
    known = set(r['serial'] for r in records)
    for account, entry in sorted((pki.get('users') or {}).items()):
        old = _record(account, entry['name'], entry['cert'], None, False)
        if old['serial'] not in known:
            records.append(old)
    return records


def revoke(pki, account, now):
    """Revoke every certificate issued to ``account`` that has not expired; the next kubeconfig of the account is
    a new one. Returns how many were revoked."""
    records = issued(pki)
    count = 0
    for r in records:
        if r['account'] == account and r['revoked_at'] is None and r['not_after'] > now:
            r['revoked_at'] = now
            count += 1
    pki['issued'] = records
    (pki.get('users') or {}).pop(account, None)
    pki['crl'] = crl(pki, now)
    pki['revision'] = pki.get('revision', 0) + 1
    return count


def crl(pki, now):
    """The CA's certificate revocation list (PEM) of the revoked certificates that have not expired."""
    ca = x509.load_pem_x509_certificate(pki['ca_cert'].encode())
    ca_key = serialization.load_pem_private_key(pki['ca_key'].encode(), None)
    builder = (x509.CertificateRevocationListBuilder().issuer_name(ca.subject)
               .last_update(_utc(now - 300)).next_update(_utc(now + 10 * YEAR)))
    for r in pki.get('issued') or []:
        if r['revoked_at'] is not None and r['not_after'] > now:
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder().serial_number(int(r['serial'], 16))
                .revocation_date(_utc(r['revoked_at'])).build())
    return builder.sign(ca_key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM).decode()


def b64(pem):
    return base64.b64encode(pem.encode()).decode()


def user_name(cluster_id, access_key_id):
    return hashlib.sha256(('%s/%s' % (cluster_id, access_key_id)).encode()).hexdigest()[:20]
