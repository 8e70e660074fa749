// The invite link as the inviter's browser sees this site (reverse proxies say their host and scheme).
export function inviteUrl(request: Request, code: string): string {
  const url = new URL(request.url);
  const host = request.headers.get('x-forwarded-host')?.split(',')[0].trim() || request.headers.get('host') || url.host;
  const proto = request.headers.get('x-forwarded-proto')?.split(',')[0].trim() || url.protocol.replace(':', '');
  return `${proto}://${host}/invite/${encodeURIComponent(code)}`;
}
