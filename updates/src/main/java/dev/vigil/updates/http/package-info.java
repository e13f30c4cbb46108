/**
 * The HTTP layer of transparent updates, JDK only: {@link dev.vigil.updates.http.HttpReleaseSource} (a client's
 * mirror), {@link dev.vigil.updates.http.WitnessServer} (the c2sp.org/tlog-witness {@code add-checkpoint} endpoint),
 * {@link dev.vigil.updates.http.WitnessClient} (a publisher collecting cosignatures) and
 * {@link dev.vigil.updates.http.StaticFileServer} (serves a release directory read-only). Servers bind to loopback
 * unless given another address; every body read is bounded in size and time.
 */
package dev.vigil.updates.http;
