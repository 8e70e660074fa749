// The pages of someone not signed in yet: sign-in, first-run setup, an invite. They show no workspace
// navigation and keep nothing of the workspace for offline use.
const AUTH_PAGES = /^\/(signin|setup|invite)(\/|$)/;

export function isAuthPage(pathname: string): boolean {
  return AUTH_PAGES.test(pathname);
}
