/**
 * Readers for ClamAV's text databases, each reproducing ClamAV 1.4's acceptance rules (checked against clamscan in
 * the tests) and its "Known viruses" count.
 *
 * <ul>
 *   <li>Used: {@code .hdb .hsb .hdu .hsu .mdb .msb .mdu .msu .imp .fp .sfp} ({@link dev.vigil.clamav.db.HashDbReader}),
 *       {@code .ndb .ndu .sdb .db} ({@link dev.vigil.clamav.db.BodyDbReader}), {@code .ign .ign2}
 *       ({@link dev.vigil.clamav.db.IgnoreDbReader}), {@code .ftm} ({@link dev.vigil.clamav.db.FtmReader}).
 *       PUA files ({@code *.?du}, {@code .?su}) only with {@code detectPua}, otherwise skipped like clamscan.
 *       {@code .cdb} container metadata ({@link dev.vigil.clamav.db.CdbReader}), used by recursive scanning.</li>
 *   <li>Checked and counted, content dropped until the engine can use it: {@code .idb} icons, {@code .pdb/.gdb} phishing lists, {@code .zmd/.rmd}.</li>
 *   <li>Checked, not counted, dropped: {@code .wdb}, {@code .crb}, {@code .pwdb}.</li>
 *   <li>Accepted and dropped: {@code .cfg}, {@code .cbc} (clamscan skips unsigned bytecode), {@code .ioc},
 *       {@code .cat}, {@code .yar/.yara} (clamscan counts YARA rules that have strings; Vigil does not read YARA
 *       yet, so its count is lower by those).</li>
 *   <li>Refused: {@code .info} outside a container, as clamscan does. Unknown extensions are skipped.</li>
 * </ul>
 *
 * <p>Deliberately reproduced ClamAV quirks: plain files are read in 8 KiB pieces (a longer line continues as a new
 * line), a NUL ends a line's content, FLEVEL is checked before the pattern is parsed, ignore lists are consulted
 * before anything else on a line, and {@code .ign2} reuses a stale MD5 field after a {@code name:md5} line.
 * Directory order: ignore lists, daily.cld/cvd (the newer), local.gdb, daily.cfg, .crb, the rest; within a group
 * by name (clamscan uses the file system's readdir order, which Vigil cannot reproduce).
 */
package dev.vigil.clamav.db;
