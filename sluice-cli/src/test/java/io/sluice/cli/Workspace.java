package io.sluice.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.engine.config.JsonFiles;
import io.sluice.testkit.PostgresServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A directory holding one sync's files: source, destination, streams and state, plus the warehouse. */
record Workspace(Path directory, Path source, Path destination, Path streams, Path state, Path warehouse) {

  static Workspace create(Path directory, PostgresServer server, String schema, int chunkRows) throws IOException {
    ObjectNode source = JsonNodeFactory.instance.objectNode()
        .put("type", "postgres").put("host", server.host()).put("port", server.port())
        .put("database", PostgresServer.DATABASE).put("username", PostgresServer.USER)
        .put("password", "${TEST_PG_PASSWORD}").put("max_threads", 2).put("chunk_size_rows", chunkRows)
        .put("ssl_mode", "disable");
    source.putArray("schemas").add(schema);
    return withSource(directory, source);
  }

  /** A workspace reading {@code database} of a MariaDB test server. */
  static Workspace createMySql(Path directory, io.sluice.testkit.MariaDbServer server, String database,
      int chunkRows) throws IOException {
    ObjectNode source = JsonNodeFactory.instance.objectNode()
        .put("type", "mysql").put("host", server.host()).put("port", server.port())
        .put("username", io.sluice.testkit.MariaDbServer.USER).put("password", "${TEST_MARIA_PASSWORD}")
        .put("max_threads", 2).put("chunk_size_rows", chunkRows);
    source.putArray("databases").add(database);
    return withSource(directory, source);
  }

  /** Writes {@code source} and an Iceberg destination with a warehouse in {@code directory}. */
  private static Workspace withSource(Path directory, ObjectNode source) throws IOException {
    Path warehouse = directory.resolve("warehouse");
    ObjectNode destination = JsonNodeFactory.instance.objectNode()
        .put("type", "iceberg").put("warehouse", warehouse.toString());
    Path sourceFile = Files.writeString(directory.resolve("source.json"), JsonFiles.toText(source));
    Path destinationFile = Files.writeString(directory.resolve("destination.json"), JsonFiles.toText(destination));
    return new Workspace(directory, sourceFile, destinationFile, directory.resolve("streams.json"),
        directory.resolve("state.json"), warehouse);
  }

  static final java.util.Map<String, String> ENVIRONMENT = java.util.Map.of("TEST_PG_PASSWORD", PostgresServer.PASSWORD,
      "TEST_MARIA_PASSWORD", io.sluice.testkit.MariaDbServer.PASSWORD);

  CliRun discover() {
    return CliRun.of(ENVIRONMENT, "discover", "--source", source.toString(), "--output", streams.toString());
  }

  String[] syncArguments() {
    return new String[] {"sync", "--source", source.toString(), "--destination", destination.toString(),
        "--streams", streams.toString(), "--state", state.toString()};
  }

  CliRun sync() {
    return CliRun.of(ENVIRONMENT, syncArguments());
  }
}
