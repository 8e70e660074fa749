// Tables the sync server keeps beside the per-sheet tables. Times are epoch milliseconds.
import { CREATE_SKU_SALE_TOTALS_SQL } from '../lib/insights/skuSaleTotals';

export const CATALOG_SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS sheets (
  id VARCHAR PRIMARY KEY,
  title VARCHAR NOT NULL,
  template VARCHAR NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  row_count INTEGER NOT NULL DEFAULT 0,
  column_count INTEGER NOT NULL DEFAULT 0,
  -- the update-log sequence number the materialized tables reflect
  materialized_seq BIGINT NOT NULL DEFAULT 0
);
-- The durable update log: every Yjs update as received, in group commits.
CREATE TABLE IF NOT EXISTS doc_updates (
  sheet_id VARCHAR NOT NULL,
  seq BIGINT NOT NULL,
  data BLOB NOT NULL
);
-- Compacted state: the log up to upto_seq merged into one update.
CREATE TABLE IF NOT EXISTS doc_snapshots (
  sheet_id VARCHAR PRIMARY KEY,
  data BLOB NOT NULL,
  upto_seq BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS sheet_columns (
  sheet_id VARCHAR NOT NULL,
  col_id VARCHAR NOT NULL,
  name VARCHAR NOT NULL,
  type VARCHAR NOT NULL,
  ord VARCHAR NOT NULL,
  deleted BOOLEAN NOT NULL,
  PRIMARY KEY (sheet_id, col_id)
);
-- Append-only history of every cell change the materializer wrote (value as JSON).
CREATE TABLE IF NOT EXISTS cell_history (
  sheet_id VARCHAR NOT NULL,
  row_id VARCHAR NOT NULL,
  col_id VARCHAR NOT NULL,
  value VARCHAR,
  t DOUBLE,
  author VARCHAR,
  recorded_at BIGINT NOT NULL,
  -- the authenticated identity that sent the change (author is what the client wrote into the cell)
  identity_id VARCHAR
);
-- Deleted sheets (the trash): hidden from lists, insights and sockets; restorable until purged (30 days).
CREATE TABLE IF NOT EXISTS sheet_trash (
  sheet_id VARCHAR PRIMARY KEY,
  deleted_at BIGINT NOT NULL,
  deleted_by VARCHAR
);
-- Append-only record of concurrent same-cell conflicts (cells as JSON).
CREATE TABLE IF NOT EXISTS conflict_log (
  sheet_id VARCHAR NOT NULL,
  row_id VARCHAR NOT NULL,
  col_id VARCHAR NOT NULL,
  kept VARCHAR NOT NULL,
  lost VARCHAR NOT NULL,
  recorded_at BIGINT NOT NULL,
  identity_id VARCHAR
);
-- Files made before attribution: add the column (appenders write every column in order).
ALTER TABLE cell_history ADD COLUMN IF NOT EXISTS identity_id VARCHAR;
ALTER TABLE conflict_log ADD COLUMN IF NOT EXISTS identity_id VARCHAR;
-- Settings of the data directory itself, such as the physical layout the sheet tables were written in.
CREATE TABLE IF NOT EXISTS cellar_settings (
  key VARCHAR PRIMARY KEY,
  value VARCHAR NOT NULL
);
-- What the insights read for sales over all dates (lib/insights/skuSaleTotals.ts), kept by the materializer.
${CREATE_SKU_SALE_TOTALS_SQL};
`;
