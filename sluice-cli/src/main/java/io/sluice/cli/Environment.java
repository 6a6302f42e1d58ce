package io.sluice.cli;

import io.sluice.engine.config.ConfigValidator;
import io.sluice.engine.config.JsonFiles;
import io.sluice.engine.config.SecretRegistry;
import io.sluice.engine.connector.ConnectorRegistry;
import io.sluice.spi.Destination;
import io.sluice.spi.Source;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * What every command needs, built once by {@link Main}: the connectors, the secrets seen so far, and the
 * output streams. Passed explicitly (no global state), so tests can run commands in-process.
 */
public final class Environment {
  private final SecretRegistry secrets = new SecretRegistry();
  private final ConnectorRegistry connectors;
  private final PrintStream out;
  private final PrintStream err;
  private final boolean interactive;

  public Environment(UnaryOperator<String> environmentVariables, PrintStream out, PrintStream err, boolean interactive) {
    this.connectors = new ConnectorRegistry(new ConfigValidator(environmentVariables, secrets));
    this.out = out;
    this.err = err;
    this.interactive = interactive;
  }

  public ConnectorRegistry connectors() {
    return connectors;
  }

  public SecretRegistry secrets() {
    return secrets;
  }

  public PrintStream out() {
    return out;
  }

  public PrintStream err() {
    return err;
  }

  /** Whether stdout is a terminal (live progress lines) rather than a file or pipe (periodic log lines). */
  public boolean interactive() {
    return interactive;
  }

  public Source openSource(Path file) {
    return connectors.createSource(JsonFiles.readObject(file), file.toString());
  }

  public Destination openDestination(Path file) {
    return connectors.createDestination(JsonFiles.readObject(file), file.toString());
  }
}
