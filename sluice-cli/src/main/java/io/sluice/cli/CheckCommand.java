package io.sluice.cli;

import io.sluice.spi.CheckResult;
import io.sluice.spi.ConfigException;
import io.sluice.spi.Destination;
import io.sluice.spi.Source;
import io.sluice.engine.config.JsonFiles;
import io.sluice.engine.streams.ConfiguredStream;
import io.sluice.engine.streams.StreamsFile;
import io.sluice.spi.StreamSpec;
import io.sluice.spi.SyncMode;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sluice check}: runs every probe of a source and/or destination and prints each result. */
@Command(name = "check", description = "Check that a source and/or destination is reachable and ready; "
    + "reports every problem at once. Exit code 3 when any check fails.")
final class CheckCommand implements Callable<Integer> {
  private final Environment environment;

  @Option(names = "--source", description = "Source config file (JSON).")
  Path source;

  @Option(names = "--destination", description = "Destination config file (JSON).")
  Path destination;

  @Option(names = "--streams", description = "Streams file: with --source, also check what its cdc and cdc_only "
      + "streams need from the change log (replication rights, publication, slot).")
  Path streams;

  CheckCommand(Environment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() {
    if (streams != null && source == null) {
      throw new ConfigException("--streams", "Invalid usage: check --streams FILE needs --source FILE too");
    }
    if (source == null && destination == null) {
      throw new ConfigException("--source", "Invalid usage: check needs --source FILE and/or --destination FILE");
    }
    boolean passed = true;
    if (source != null) {
      try (Source opened = environment.openSource(source)) {
        passed &= print(source, opened.check());
        if (streams != null) {
          passed &= checkChangeLog(opened);
        }
      }
    }
    if (destination != null) {
      try (Destination opened = environment.openDestination(destination)) {
        passed &= print(destination, opened.check());
      }
    }
    return passed ? ExitCode.OK.code() : ExitCode.CHECK_FAILED.code();
  }

  private boolean checkChangeLog(Source opened) {
    List<StreamSpec> changeLogStreams = StreamsFile.resolve(JsonFiles.readObject(streams), streams.toString(),
            opened.discover()).stream().map(ConfiguredStream::spec)
        .filter(s -> s.syncMode() == SyncMode.CDC || s.syncMode() == SyncMode.CDC_ONLY).toList();
    if (changeLogStreams.isEmpty()) {
      environment.out().println(streams + ": no cdc or cdc_only streams, nothing to check in the change log");
      return true;
    }
    if (opened.changeLog().isEmpty()) {
      throw new ConfigException("sync_mode", "Invalid streams file " + streams + ": " + changeLogStreams.get(0).source()
          + " uses " + changeLogStreams.get(0).syncMode().jsonName() + " but the source has no change log");
    }
    return print(Path.of(streams + " (change log)"), opened.changeLog().get().check(changeLogStreams));
  }

  private boolean print(Path file, CheckResult result) {
    environment.out().println(file + ":");
    for (CheckResult.Probe probe : result.probes()) {
      environment.out().println("  " + (probe.passed() ? "ok    " : "FAILED") + " " + probe.name()
          + (probe.message().isEmpty() ? "" : ": " + environment.secrets().redact(probe.message())));
    }
    environment.out().println(result.passed() ? "  all checks passed" : "  some checks failed");
    return result.passed();
  }
}
