#!/bin/sh
# Isolate AnythingLLM's schema at image build time, before `prisma generate`:
# run in the server folder (the one holding package.json and prisma/).  The
# image's own start-up (`prisma migrate deploy --schema=./prisma/schema.prisma`)
# then applies the isolated PostgreSQL migrations; DATABASE_URL must end in
# ?schema=$PRISMA_ISOLATE_SCHEMA (default anythingllm).
#
#   sh isolate.sh [SERVER_DIR]
set -eu
cd "${1:-.}"
schema_name="${PRISMA_ISOLATE_SCHEMA:-anythingllm}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# The SQLite schema and its history stay as shipped until the isolated ones are ready.
prisma-isolate generate prisma/schema.prisma -o "$work/out" --provider postgresql \
  --schema "$schema_name" -q
mkdir -p "$work/next"
cp "$work/out/schema.prisma" "$work/next/schema.prisma"
cp -R "$work/out/migrations" "$work/next/migrations"
# Swap in one step each: the schema, then the migrations folder (a SQLite
# history must never sit beside the PostgreSQL one: Prisma refuses it, P3019).
rm -rf prisma/migrations.sqlite
if [ -d prisma/migrations ]; then mv prisma/migrations prisma/migrations.sqlite; fi
mv "$work/next/migrations" prisma/migrations
mv "$work/next/schema.prisma" prisma/schema.prisma
rm -rf prisma/migrations.sqlite
echo "isolated prisma/schema.prisma in schema $schema_name; DATABASE_URL needs ?schema=$schema_name"
