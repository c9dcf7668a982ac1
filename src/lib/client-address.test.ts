// The client-address rule: the peer unless it is a trusted proxy, then the rightmost untrusted forwarded hop.
import { describe, expect, it } from 'vitest';
import { clientAddress, isProxyEntry, plainAddress, TrustedProxies } from './client-address.js';

const proxies = new TrustedProxies(['10.0.0.0/8', '127.0.0.1', 'fd00::/8']);
const none = new TrustedProxies([]);

describe('clientAddress', () => {
  it('ignores X-Forwarded-For when no proxy is trusted (the default)', () => {
    expect(clientAddress('203.0.113.9', '198.51.100.1', none)).toBe('203.0.113.9');
    expect(clientAddress('127.0.0.1', '198.51.100.1', none)).toBe('127.0.0.1');
  });

  it('ignores X-Forwarded-For from a peer that is not trusted', () => {
    expect(clientAddress('203.0.113.9', '198.51.100.1', proxies)).toBe('203.0.113.9');
  });

  it('takes the hop the trusted proxy appended', () => {
    expect(clientAddress('10.1.2.3', '198.51.100.7', proxies)).toBe('198.51.100.7');
  });

  it('takes the rightmost untrusted hop, so a forged leftmost entry changes nothing', () => {
    expect(clientAddress('10.1.2.3', '1.1.1.1, 198.51.100.7', proxies)).toBe('198.51.100.7');
    // Two proxies: the inner one (10.9.9.9) is trusted and passed over.
    expect(clientAddress('127.0.0.1', '1.1.1.1, 198.51.100.7, 10.9.9.9', proxies)).toBe('198.51.100.7');
  });

  it('falls back to the peer when a trusted proxy sent no header', () => {
    expect(clientAddress('10.1.2.3', undefined, proxies)).toBe('10.1.2.3');
    expect(clientAddress('10.1.2.3', ' , ', proxies)).toBe('10.1.2.3');
  });

  it('takes the leftmost hop when every hop is trusted', () => {
    expect(clientAddress('10.1.2.3', '10.5.5.5, 10.6.6.6', proxies)).toBe('10.5.5.5');
  });

  it('does not believe past a hop that is not an address', () => {
    expect(clientAddress('10.1.2.3', '198.51.100.7, not-an-ip', proxies)).toBe('10.1.2.3');
    expect(clientAddress('10.1.2.3', 'junk, 10.4.4.4', proxies)).toBe('10.4.4.4');
  });

  it('reads IPv4-mapped peers, ports and bracketed IPv6 hops', () => {
    expect(clientAddress('::ffff:10.1.2.3', '198.51.100.7:51234', proxies)).toBe('198.51.100.7');
    expect(clientAddress('fd00::1', '[2001:db8::5]:443', proxies)).toBe('2001:db8::5');
    expect(clientAddress('::ffff:203.0.113.9', '198.51.100.7', proxies)).toBe('203.0.113.9');
  });

  it('has no address without a peer', () => {
    expect(clientAddress(undefined, '198.51.100.7', proxies)).toBeNull();
  });
});

describe('trusted proxy entries', () => {
  it('accepts addresses and CIDRs of both families, and nothing else', () => {
    for (const ok of ['10.0.0.5', '10.0.0.0/8', '0.0.0.0/0', '::1', 'fd00::/8', '2001:db8::/128'])
      expect(isProxyEntry(ok), ok).toBe(true);
    for (const bad of ['10.0.0.0/33', 'fd00::/129', '10.0.0/8', 'proxy.local', '10.0.0.0/8/1', '10.0.0.0/x', ''])
      expect(isProxyEntry(bad), bad).toBe(false);
  });

  it('matches within a subnet only', () => {
    expect(proxies.has('10.255.0.1')).toBe(true);
    expect(proxies.has('11.0.0.1')).toBe(false);
    expect(proxies.has('fd12::9')).toBe(true);
    expect(proxies.has('fe80::1')).toBe(false);
    expect(proxies.has('127.0.0.2')).toBe(false);
  });

  it('makes addresses plain', () => {
    expect(plainAddress('::FFFF:127.0.0.1')).toBe('127.0.0.1');
    expect(plainAddress('[::1]')).toBe('::1');
    expect(plainAddress('unknown')).toBeNull();
  });
});
