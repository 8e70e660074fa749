// A sheet that does not exist (or not here): sockets close with 4404, reads answer 404.
export class SheetNotFoundError extends Error {
  constructor(readonly sheetId: string) {
    super(`no sheet ${sheetId}`);
  }
}
