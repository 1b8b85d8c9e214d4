package nc.opt.waits.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The commands README.md shows a user: every line of its ```bash blocks, continuation lines and
 * quoted line breaks joined, trailing comments cut. A test takes each command it runs from here,
 * so that a README command no test runs is noticed ({@link #notTaken()}).
 */
public final class ReadmeCommands {
    private final List<String> commands;
    private final Set<String> taken = new LinkedHashSet<>();

    private ReadmeCommands(List<String> commands) {
        this.commands = commands;
    }

    public static ReadmeCommands of(Path readme) throws IOException {
        List<String> commands = new ArrayList<>();
        boolean inBash = false;
        StringBuilder command = new StringBuilder();
        String separator = "\n";
        for (String line : Files.readAllLines(readme)) {
            if (!inBash) {
                inBash = line.trim().equals("```bash");
                continue;
            }
            if (line.trim().equals("```")) {
                inBash = false;
                continue;
            }
            command.append(command.length() == 0 ? "" : separator).append(line);
            String code = withoutComment(command.toString());
            // a line ending in \ goes on the next one; a line break inside quotes stays
            separator = code.endsWith("\\") ? " " : "\n";
            if (code.endsWith("\\")) {
                command.setLength(0);
                command.append(code, 0, code.length() - 1);
            } else if (!quoteOpen(code)) {
                if (!code.isBlank()) {
                    commands.add(code.strip());
                }
                command.setLength(0);
            }
        }
        return new ReadmeCommands(commands);
    }

    /** The README command that is prefix, or else starts with it (exactly one), marked as taken. */
    public String take(String prefix) {
        List<String> found = commands.stream().filter(command -> command.equals(prefix)).toList();
        if (found.isEmpty()) {
            found = commands.stream().filter(command -> command.startsWith(prefix)).toList();
        }
        if (found.size() != 1) {
            throw new AssertionError("README.md should show exactly one command starting with `" + prefix + "`, it shows " + found);
        }
        taken.add(found.get(0));
        return found.get(0);
    }

    public List<String> all() {
        return commands;
    }

    public List<String> notTaken() {
        return commands.stream().filter(command -> !taken.contains(command)).toList();
    }

    /** The text up to a # that starts a comment (outside quotes, after a blank), trailing blanks cut. */
    static String withoutComment(String text) {
        char quote = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                quote = c == quote ? 0 : quote;
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '#' && (i == 0 || Character.isWhitespace(text.charAt(i - 1)))) {
                return text.substring(0, i).stripTrailing();
            }
        }
        return text.stripTrailing();
    }

    static boolean quoteOpen(String text) {
        char quote = 0;
        for (char c : text.toCharArray()) {
            if (quote != 0) {
                quote = c == quote ? 0 : quote;
            } else if (c == '\'' || c == '"') {
                quote = c;
            }
        }
        return quote != 0;
    }
}
