"""The Prisma file in Prisma's canonical layout (`prisma-isolate format`)."""
