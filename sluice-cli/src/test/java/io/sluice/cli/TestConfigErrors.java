package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Config mistakes that need no server: each is one line on stderr, exit code 2, no output written. */
class TestConfigErrors {
  @TempDir Path directory;

  private Path file(String name, String text) throws Exception {
    return Files.writeString(directory.resolve(name), text);
  }

  private static void assertOneLineError(CliRun run, int exitCode, String... fragments) {
    assertThat(run.exitCode()).as(run.all()).isEqualTo(exitCode);
    String firstLine = run.err().lines().findFirst().orElse("");
    assertThat(firstLine).startsWith("sluice: ");
    for (String fragment : fragments) {
      assertThat(firstLine).contains(fragment);
    }
  }

  @Test
  void malformedJsonNamesFileAndLine() throws Exception {
    Path source = file("source.json", "{\"type\": \"postgres\",\n \"host\": }");
    assertOneLineError(CliRun.of("check", "--source", source.toString()), 2, source.toString(), "not valid JSON",
        "line 2");
  }

  @Test
  void unknownKeyNamesKeyAndSuggestsTheNearMiss() throws Exception {
    Path source = file("source.json", "{\"type\": \"postgres\", \"host\": \"h\", \"databse\": \"d\", "
        + "\"username\": \"u\"}");
    assertOneLineError(CliRun.of("discover", "--source", source.toString()), 2, "key 'databse' is unknown",
        "did you mean 'database'?", "key 'database' is missing");
  }

  @Test
  void unknownConnectorTypeListsTheKnownOnes() throws Exception {
    Path source = file("source.json", "{\"type\": \"postgress\"}");
    assertOneLineError(CliRun.of("check", "--source", source.toString()), 2, "'postgress', an unknown source type",
        "did you mean 'postgres'?");
  }

  @Test
  void outOfRangeNumberAndWrongType() throws Exception {
    Path source = file("source.json", "{\"type\": \"postgres\", \"host\": \"h\", \"database\": \"d\", "
        + "\"username\": \"u\", \"port\": 99999, \"max_threads\": \"many\"}");
    assertOneLineError(CliRun.of("check", "--source", source.toString()), 2, "key 'port' is 99999",
        "expected an integer in 1..65535", "key 'max_threads' is string \"many\", expected an integer");
  }

  @Test
  void missingFileIsNamed() {
    Path missing = directory.resolve("nowhere.json");
    assertOneLineError(CliRun.of("check", "--destination", missing.toString()), 2, missing.toString(),
        "does not exist");
  }

  @Test
  void discoverWithABadConfigWritesNoOutputFile() throws Exception {
    Path source = file("source.json", "{}");
    Path output = directory.resolve("streams.json");
    CliRun run = CliRun.of("discover", "--source", source.toString(), "--output", output.toString());
    assertOneLineError(run, 2, "key 'type' is missing");
    assertThat(output).doesNotExist();
  }

  @Test
  void unknownOptionIsUsageError() {
    CliRun run = CliRun.of("sync", "--sorce", "x");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("Unknown option: '--sorce' (did you mean '--source'?)");
  }

  @Test
  void specPrintsJsonSchemaWithSecretsMarked() {
    CliRun run = CliRun.of("spec", "--type", "postgres");
    assertThat(run.exitCode()).as(run.all()).isZero();
    assertThat(run.out()).contains("\"$schema\"").contains("\"host\"").contains("\"x-secret\" : true")
        .contains("\"additionalProperties\" : false");
    CliRun iceberg = CliRun.of("spec", "--type", "iceberg");
    assertThat(iceberg.out()).contains("\"warehouse\"");
    CliRun unknown = CliRun.of("spec", "--type", "oracle");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.err()).contains("'oracle' is not an installed connector");
  }
}
