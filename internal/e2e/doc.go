// Package e2e holds settleflow's end-to-end tests: real cycles on the
// Temporal dev server and PostgreSQL, fed by the provider simulator. Each
// test has its own database, simulator, namespace and worker.
package e2e
