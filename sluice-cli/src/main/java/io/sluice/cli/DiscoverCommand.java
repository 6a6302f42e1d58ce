package io.sluice.cli;

import io.sluice.engine.config.JsonFiles;
import io.sluice.engine.streams.StreamsFile;
import io.sluice.spi.Catalog;
import io.sluice.spi.ErrorKind;
import io.sluice.spi.SluiceException;
import io.sluice.spi.Source;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sluice discover}: lists the source's streams as a streams file, ready to edit and sync. */
@Command(name = "discover", description = "List the source's tables, columns, types and keys as a streams file.")
final class DiscoverCommand implements Callable<Integer> {
  private final Environment environment;

  @Option(names = "--source", required = true, description = "Source config file (JSON).")
  Path source;

  @Option(names = "--output", description = "Write the streams file here instead of standard output.")
  Path output;

  DiscoverCommand(Environment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() {
    Catalog catalog;
    try (Source opened = environment.openSource(source)) {
      catalog = opened.discover();
    }
    String text = JsonFiles.toText(StreamsFile.render(catalog));
    if (output == null) {
      environment.out().print(text);
    } else {
      try {
        Path parent = output.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path temporary = parent.resolve("." + output.getFileName() + ".tmp");
        Files.writeString(temporary, text, StandardCharsets.UTF_8);
        Files.move(temporary, output, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        throw new SluiceException(ErrorKind.PERMANENT, "Cannot write " + output + ": " + e.getMessage(), e);
      }
      environment.err().println("Wrote " + catalog.streams().size() + " streams to " + output);
    }
    // Not an error: the other streams are usable. But a table missing from the file deserves a reason.
    catalog.unreadable().forEach((stream, reason) ->
        environment.err().println("sluice: left out " + stream + ": " + environment.secrets().redact(reason)));
    return ExitCode.OK.code();
  }
}
