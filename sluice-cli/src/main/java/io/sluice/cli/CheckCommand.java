package io.sluice.cli;

import io.sluice.spi.CheckResult;
import io.sluice.spi.ConfigException;
import io.sluice.spi.Destination;
import io.sluice.spi.Source;
import java.nio.file.Path;
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

  CheckCommand(Environment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() {
    if (source == null && destination == null) {
      throw new ConfigException("--source", "Invalid usage: check needs --source FILE and/or --destination FILE");
    }
    boolean passed = true;
    if (source != null) {
      try (Source opened = environment.openSource(source)) {
        passed &= print(source, opened.check());
      }
    }
    if (destination != null) {
      try (Destination opened = environment.openDestination(destination)) {
        passed &= print(destination, opened.check());
      }
    }
    return passed ? ExitCode.OK.code() : ExitCode.CHECK_FAILED.code();
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
