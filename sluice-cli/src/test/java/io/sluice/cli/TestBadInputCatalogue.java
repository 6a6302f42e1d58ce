package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad inputs a user meets in the first hour that need no server: broken config, state and option values.
 * Each must give one line on stderr naming the file, key or value and what was expected, the documented exit
 * code, and leave no trace: no state file, no warehouse, no output written. (Server-side mistakes are in the
 * integration tests: {@code ConnectionErrorsIT}, {@code TlsConnectionIT}, {@code ServerPrerequisitesIT},
 * {@code MissingPrivilegeIT}, {@code SchemaDriftIT}, {@code ColumnCollisionIT}, {@code StateFileMismatchIT};
 * docs/ERRORS.md lists them all.)
 */
class TestBadInputCatalogue {
  private static final String SOURCE = "{\"type\": \"postgres\", \"host\": \"127.0.0.1\", \"port\": 1, "
      + "\"database\": \"d\", \"username\": \"u\"}";

  @TempDir Path directory;

  /**
   * One bad input.
   *
   * @param name what is wrong
   * @param files file name → content, written into the test directory ({@code source.json} defaults to a valid one)
   * @param command the CLI arguments; {@code @dir} stands for the test directory
   * @param exitCode the documented exit code
   * @param fragments what the one-line error must say
   */
  record Case(String name, Map<String, String> files, List<String> command, int exitCode, List<String> fragments) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static List<String> sync(String... extra) {
    List<String> command = new ArrayList<>(List.of("sync", "--source", "@dir/source.json", "--destination",
        "@dir/destination.json", "--streams", "@dir/streams.json", "--state", "@dir/state.json"));
    command.addAll(List.of(extra));
    return command;
  }

  private static Case source(String name, String json, List<String> fragments) {
    return new Case(name, Map.of("source.json", json), List.of("check", "--source", "@dir/source.json"), 2,
        fragments);
  }

  private static Case destination(String name, String json, List<String> fragments) {
    return new Case(name, Map.of("destination.json", json), List.of("check", "--destination",
        "@dir/destination.json"), 2, fragments);
  }

  private static Case state(String name, String json, List<String> fragments) {
    return new Case(name, Map.of("state.json", json, "destination.json",
        "{\"type\": \"iceberg\", \"warehouse\": \"@dir/warehouse\"}", "streams.json", "{\"streams\": []}"),
        sync(), 2, fragments);
  }

  private static Case option(String name, List<String> command, List<String> fragments) {
    return new Case(name, Map.of("destination.json", "{\"type\": \"iceberg\", \"warehouse\": \"@dir/warehouse\"}",
        "streams.json", "{\"streams\": []}"), command, 2, fragments);
  }

  static Stream<Case> catalogue() {
    return Stream.of(
        source("source: empty file", "", List.of("source.json", "empty")),
        source("source: not JSON", "host = localhost", List.of("source.json", "not valid JSON")),
        source("source: a JSON array, not an object", "[1, 2]", List.of("source.json", "expected a JSON object")),
        source("source: type missing", "{\"host\": \"h\"}", List.of("key 'type' is missing")),
        source("source: unknown connector type", "{\"type\": \"oracle\"}",
            List.of("'oracle', an unknown source type", "postgres")),
        source("source: required key missing", "{\"type\": \"postgres\", \"database\": \"d\", \"username\": \"u\"}",
            List.of("key 'host' is missing")),
        source("source: port is a string", SOURCE.replace("\"port\": 1", "\"port\": \"5432\""),
            List.of("key 'port'", "expected an integer")),
        source("source: port out of range", SOURCE.replace("\"port\": 1", "\"port\": 0"),
            List.of("key 'port' is 0", "1..65535")),
        source("source: max_threads zero", SOURCE.replace("}", ", \"max_threads\": 0}"),
            List.of("key 'max_threads' is 0", "1..64")),
        source("source: unknown key with near miss", SOURCE.replace("}", ", \"schemass\": [\"public\"]}"),
            List.of("key 'schemass' is unknown", "did you mean 'schemas'?")),
        source("source: unknown key without near miss", SOURCE.replace("}", ", \"colour\": \"blue\"}"),
            List.of("key 'colour' is unknown")),
        source("source: ssl_mode not a libpq mode", SOURCE.replace("}", ", \"ssl_mode\": \"verify\"}"),
            List.of("key 'ssl_mode'", "verify-full")),
        source("source: schemas is not an array", SOURCE.replace("}", ", \"schemas\": \"public\"}"),
            List.of("key 'schemas'", "array")),
        source("source: password references an unset variable", SOURCE.replace("}",
            ", \"password\": \"${SLUICE_TEST_UNSET_PASSWORD}\"}"), List.of("SLUICE_TEST_UNSET_PASSWORD")),
        source("source: chunk size below the minimum", SOURCE.replace("}", ", \"chunk_size_rows\": 10}"),
            List.of("key 'chunk_size_rows' is 10")),
        destination("destination: warehouse missing", "{\"type\": \"iceberg\"}", List.of("key 'warehouse' is missing")),
        destination("destination: unknown type", "{\"type\": \"icebreg\", \"warehouse\": \"/tmp/w\"}",
            List.of("'icebreg'", "did you mean 'iceberg'?")),
        destination("destination: relative warehouse", "{\"type\": \"iceberg\", \"warehouse\": \"w\"}",
            List.of("key 'warehouse'", "absolute")),
        destination("destination: format_version 4", "{\"type\": \"iceberg\", \"warehouse\": \"/tmp/w\", "
            + "\"format_version\": 4}", List.of("key 'format_version' is 4")),
        destination("destination: target file size below 1 MiB", "{\"type\": \"iceberg\", \"warehouse\": "
            + "\"/tmp/w\", \"target_file_size_bytes\": 10}", List.of("key 'target_file_size_bytes' is 10")),
        state("state: truncated", "{\"sluice_state_version\": 1, \"streams\": {", List.of("state.json",
            "not valid JSON")),
        state("state: written by a newer Sluice", "{\"sluice_state_version\": 99, \"streams\": {}}",
            List.of("state.json", "sluice_state_version", "newer Sluice")),
        state("state: no version", "{\"streams\": {}}", List.of("state.json", "sluice_state_version", "missing")),
        state("state: hand-edited cursor position", "{\"sluice_state_version\": 1, \"streams\": {\"public.t\": "
            + "{\"incremental\": {\"cursor_field\": \"u\", \"position\": \"yesterday\"}}}}",
            List.of("state.json", "streams.public.t.incremental.position")),
        state("state: hand-edited change-log flag", "{\"sluice_state_version\": 1, \"streams\": {\"public.t\": "
            + "{\"change_log\": {\"position\": \"0/16B3748\", \"backfilled\": \"yes\"}}}}",
            List.of("state.json", "streams.public.t.change_log.backfilled", "true/false")),
        option("option: --max-streams 0", sync("--max-streams", "0"), List.of("--max-streams", "1..64")),
        option("option: --commit-interval-seconds 0", sync("--commit-interval-seconds", "0"),
            List.of("--commit-interval-seconds", "1..86400")),
        option("option: --commit-events 0", sync("--commit-events", "0"), List.of("--commit-events", "positive")),
        option("option: --max-retries -1", sync("--max-retries", "-1"), List.of("--max-retries", "0..100")),
        option("option: --stats-port 70000", sync("--stats-port", "70000"), List.of("--stats-port", "0..65535")),
        option("option: --max-streams not a number", sync("--max-streams", "two"), List.of("--max-streams", "two")),
        option("option: check --streams without --source", List.of("check", "--streams", "@dir/streams.json"),
            List.of("--streams", "needs --source")),
        option("option: unknown command", List.of("synch"), List.of("synch")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("catalogue")
  void failsWithOneLineNamingTheProblemAndWritesNothing(Case bad) throws Exception {
    Files.writeString(directory.resolve("source.json"), SOURCE);
    for (Map.Entry<String, String> file : bad.files().entrySet()) {
      Files.writeString(directory.resolve(file.getKey()), file.getValue().replace("@dir", directory.toString()));
    }
    List<Path> before;
    try (Stream<Path> files = Files.walk(directory)) {
      before = files.sorted().toList();
    }
    List<String> command = bad.command().stream().map(a -> a.replace("@dir", directory.toString())).toList();
    CliRun run = CliRun.of(Map.of(), command.toArray(String[]::new));

    if (System.getProperty("sluice.printErrors") != null) {
      System.out.println("ERRORLINE|" + bad.name() + "|" + run.exitCode() + "|"
          + run.err().strip().replace(directory.toString(), "<dir>"));
    }
    assertThat(run.exitCode()).as(run.all()).isEqualTo(bad.exitCode());
    List<String> lines = run.err().lines().filter(l -> !l.isBlank()).toList();
    assertThat(lines).as("one line on stderr: " + run.err()).hasSize(1);
    assertThat(lines.get(0)).startsWith("sluice: ");
    for (String fragment : bad.fragments()) {
      assertThat(lines.get(0)).contains(fragment);
    }
    try (Stream<Path> files = Files.walk(directory)) {
      assertThat(files.sorted().toList()).as("nothing written (no state, warehouse or lock file)")
          .isEqualTo(before);
    }
  }
}
