#!/bin/bash
cd /work/main
for round in 1 2 3; do
  for v in old new; do
    rm -rf .next && cp -a /tmp/next-$v .next && touch .next/BUILD_ID
    out=$(timeout 600 npx tsx -e "import('./bench/grid.ts').then(async m=>{const r=await m.benchGrid({openRuns:5, editRuns:1, log: () => {}});console.log(JSON.stringify({fp: r.openFirstPaintMs.cold, live: r.liveLoadedMs.cold}))})" 2>/dev/null | tail -1)
    echo "$round $v $out"
  done
done
