package dev.nabla.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * KERNELS.md is what the Java launchers are written from: every kernel of a family's PTX must
 * be listed in the family's "Kernels (n)" line, and its number of {@code .param}s must equal
 * the number of arguments of the documented signature that names it (e.g.
 * {@code <op>_backward_<dt>(const T* x, const T* gy, T* gx, long long n, T a, T b)}), so a
 * kernel whose argument list changes without the docs, or the other way round, fails here.
 */
class KernelDocsTest {

    private static final Pattern SECTION = Pattern.compile("^## (\\w+)\\s*$", Pattern.MULTILINE);
    private static final Pattern CODE_BLOCK = Pattern.compile("```\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern KERNEL_LIST = Pattern.compile("^Kernels \\((\\d+)\\): (.*)$", Pattern.MULTILINE);
    private static final Pattern SIGNATURE_START = Pattern.compile("((?:[a-z][a-z0-9_]*|<[a-z0-9|]+>)(?:[a-z0-9_]+|<[a-z0-9|]+>)*)\\(");
    private static final Pattern SAME_ARGS = Pattern.compile("<same size arguments as (\\w+)>");
    private static final Pattern PTX_ENTRY = Pattern.compile("\\.entry\\s+(\\w+)\\s*\\(([^)]*)\\)");
    private static final Pattern PTX_PARAM = Pattern.compile("\\.param\\s");

    static List<String> families() {
        return KernelCatalog.families();
    }

    /** A documented signature: a name pattern ({@code <op>} etc. are wildcards) and its argument count. */
    record Signature(String pattern, Pattern regex, int args, int literalChars) {}

    @ParameterizedTest
    @MethodSource("families")
    void kernelListInDocsMatchesPtx(String family) throws IOException {
        String section = section(family);
        Matcher m = KERNEL_LIST.matcher(section);
        assertTrue(m.find(), "KERNELS.md section '" + family + "' has no 'Kernels (n): ...' line");
        Set<String> documented = new TreeSet<>();
        for (String name : m.group(2).split(",")) {
            documented.add(name.trim().replace("`", ""));
        }
        assertEquals(Integer.parseInt(m.group(1)), documented.size(), "count in 'Kernels (n)' of " + family);
        assertEquals(KernelCatalog.kernelNames(family), documented,
                "KERNELS.md '" + family + "' kernel list differs from " + family + ".ptx");
    }

    @ParameterizedTest
    @MethodSource("families")
    void everyKernelsParamCountMatchesItsDocumentedSignature(String family) throws IOException {
        List<Signature> signatures = signatures(section(family));
        assertFalse(signatures.isEmpty(), "no signatures in the KERNELS.md section '" + family + "'");
        Map<String, Integer> params = ptxParamCounts(family);
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Integer> e : params.entrySet()) {
            String kernel = e.getKey();
            int best = -1;
            List<Signature> matching = new ArrayList<>();
            for (Signature s : signatures) {
                if (!s.regex().matcher(kernel).matches()) {
                    continue;
                }
                if (s.literalChars() > best) {
                    best = s.literalChars();
                    matching.clear();
                }
                if (s.literalChars() == best) {
                    matching.add(s);
                }
            }
            if (matching.isEmpty()) {
                problems.add(kernel + ": no documented signature");
            } else if (matching.stream().noneMatch(s -> s.args() == e.getValue())) {
                List<String> docs = matching.stream().map(s -> s.pattern() + " (" + s.args() + " args)").toList();
                problems.add(kernel + ": PTX has " + e.getValue() + " params, KERNELS.md documents " + docs);
            }
        }
        assertEquals(List.of(), problems, "KERNELS.md vs " + family + ".ptx");
    }

    @Test
    void signatureParserCountsArguments() {
        List<Signature> s = signatures("```\nfoo_<dt>(const T* x, T* y, long long n)   bar_<f32|f64>(a, b,\n"
                + "          c)\nbaz_<dt>(T* q, T* r, <same size arguments as foo>)\n```\n");
        assertEquals(3, s.size());
        assertEquals(3, s.get(0).args());
        assertTrue(s.get(1).regex().matcher("bar_f64").matches());
        assertFalse(s.get(1).regex().matcher("bar_i32").matches());
        assertEquals(3, s.get(1).args());
        assertEquals(3, s.get(2).args());
    }

    private static String section(String family) throws IOException {
        String doc = Files.readString(ModuleFiles.moduleDir().resolve("KERNELS.md"), StandardCharsets.UTF_8);
        Matcher m = SECTION.matcher(doc);
        int start = -1;
        while (m.find()) {
            if (start >= 0) {
                return doc.substring(start, m.start());
            }
            if (m.group(1).equals(family)) {
                start = m.end();
            }
        }
        assertTrue(start >= 0, "KERNELS.md has no '## " + family + "' section");
        return doc.substring(start);
    }

    /** Signatures {@code name(args)} inside the section's code blocks; arguments may span lines. */
    static List<Signature> signatures(String section) {
        List<Map.Entry<String, List<String>>> byPattern = new ArrayList<>();
        Matcher block = CODE_BLOCK.matcher(section);
        while (block.find()) {
            String code = block.group(1);
            Matcher m = SIGNATURE_START.matcher(code);
            int from = 0;
            while (m.find(from)) {
                String name = m.group(1);
                int open = m.end() - 1;
                int close = matchingParen(code, open);
                from = m.end();
                boolean isKernelPattern = name.contains("<") || name.matches(".*_(f32|f64|i32|i64)");
                if (close < 0 || !isKernelPattern || (m.start() > 0 && isNameChar(code.charAt(m.start() - 1)))) {
                    continue;
                }
                List<String> args = new ArrayList<>();
                for (String a : code.substring(open + 1, close).split(",")) {
                    args.add(a.replaceAll("\\s+", " ").trim());
                }
                byPattern.add(Map.entry(name, args));
                from = close + 1;
            }
        }
        List<Signature> out = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : byPattern) {
            int count = 0;
            for (String arg : e.getValue()) {
                Matcher same = SAME_ARGS.matcher(arg);
                if (same.matches()) {
                    List<String> ref = findReferenced(byPattern, same.group(1));
                    count += (int) ref.stream().filter(a -> !a.contains("*")).count();
                } else {
                    count++;
                }
            }
            out.add(new Signature(e.getKey(), nameRegex(e.getKey()), count, e.getKey().replaceAll("<[^>]*>", "").length()));
        }
        return out;
    }

    private static List<String> findReferenced(List<Map.Entry<String, List<String>>> byPattern, String prefix) {
        for (Map.Entry<String, List<String>> e : byPattern) {
            if (e.getKey().startsWith(prefix + "_")) {
                return e.getValue();
            }
        }
        throw new AssertionError("KERNELS.md refers to the arguments of '" + prefix + "', which is not documented");
    }

    private static Pattern nameRegex(String pattern) {
        StringBuilder re = new StringBuilder();
        Matcher m = Pattern.compile("<([a-z0-9|]+)>").matcher(pattern);
        int last = 0;
        while (m.find()) {
            re.append(Pattern.quote(pattern.substring(last, m.start())));
            String w = m.group(1);
            re.append(switch (w) {
                case "dt", "src", "dst" -> "(?:f32|f64|i32|i64)";
                case "op" -> "[a-z0-9_]+";
                default -> "(?:" + w + ")";
            });
            last = m.end();
        }
        re.append(Pattern.quote(pattern.substring(last)));
        return Pattern.compile(re.toString());
    }

    private static int matchingParen(String s, int open) {
        int depth = 0;
        for (int i = open; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isNameChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '>';
    }

    private static Map<String, Integer> ptxParamCounts(String family) {
        Map<String, Integer> out = new TreeMap<>();
        Matcher m = PTX_ENTRY.matcher(KernelCatalog.ptx(family));
        while (m.find()) {
            Matcher p = PTX_PARAM.matcher(m.group(2));
            int n = 0;
            while (p.find()) {
                n++;
            }
            out.put(m.group(1), n);
        }
        assertEquals(KernelCatalog.kernelNames(family), out.keySet(), "entries parsed from " + family + ".ptx");
        return out;
    }
}
