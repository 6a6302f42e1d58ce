package io.sluice.cli;

import io.sluice.engine.config.JsonFiles;
import io.sluice.engine.config.JsonSchemaRenderer;
import io.sluice.spi.ConfigException;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sluice spec --type T}: prints the JSON Schema of a connector's config. */
@Command(name = "spec", description = "Print the JSON Schema of a connector's config.")
final class SpecCommand implements Callable<Integer> {
  private final Environment environment;

  @Option(names = "--type", required = true, description = "Connector type, e.g. postgres or iceberg.")
  String type;

  @Option(names = "--role", description = "source or destination, when a type names both (default: source).")
  String role;

  SpecCommand(Environment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() {
    var connectors = environment.connectors();
    var source = connectors.sourceFactory(type).filter(f -> !"destination".equals(role));
    var destination = connectors.destinationFactory(type).filter(f -> !"source".equals(role));
    if (role != null && !role.equals("source") && !role.equals("destination")) {
      throw new ConfigException("--role", "Invalid option --role: '" + role + "', expected source or destination");
    }
    String schema;
    if (source.isPresent()) {
      schema = JsonFiles.toText(JsonSchemaRenderer.render(type, source.get().spec()));
    } else if (destination.isPresent()) {
      schema = JsonFiles.toText(JsonSchemaRenderer.render(type, destination.get().spec()));
    } else {
      TreeSet<String> known = new TreeSet<>(connectors.sourceFactories().keySet());
      known.addAll(connectors.destinationFactories().keySet());
      throw new ConfigException("--type", "Invalid option --type: '" + type + "' is not an installed connector"
          + (role == null ? "" : " of role " + role) + ", expected one of " + String.join(", ", known));
    }
    environment.out().print(schema);
    return ExitCode.OK.code();
  }
}
