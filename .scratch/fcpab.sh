#!/bin/bash
cd /work/main
for round in 1 2 3; do
  for v in old new; do
    rm -rf .next && cp -a /tmp/next-$v .next && touch .next/BUILD_ID
    echo "$round $v $(timeout 300 npx tsx .scratch/fcp.ts 2>/dev/null | tail -1)"
  done
done
