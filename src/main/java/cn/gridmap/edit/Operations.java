package cn.gridmap.edit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.locationtech.jts.coverage.CoverageUnion;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.MultiPolygon;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.operation.overlayng.OverlayNG;

import cn.gridmap.geo.Geometries;
import cn.gridmap.region.Level;

/**
 * The edit operations on a draft. The micro-grid partition is the truth: an operation re-partitions micro-grids in
 * the plane (one noded linework, so neighbours share every vertex), then {@link Checks} validates them and rebuilds
 * every ancestor as the union of its children. Nothing is written if any check fails (the caller rolls back).
 */
final class Operations {
    /** The codes an operation changed (any level), and its warnings. */
    record Outcome(List<String> changed, List<Issue> warnings) {
    }

    private final Draft d;
    private final Checks checks;

    Operations(Draft d, Checks checks) {
        this.d = d;
        this.checks = checks;
    }

    Outcome apply(EditOp op) {
        d.nextOperation();
        Set<String> parents = new LinkedHashSet<>();
        if (op instanceof EditOp.ReshapeEdge r) {
            reshapeEdge(r, parents);
        } else if (op instanceof EditOp.Split s) {
            split(s, parents);
        } else if (op instanceof EditOp.Merge m) {
            merge(m, parents);
        } else if (op instanceof EditOp.MoveMicrogrids m) {
            move(m, parents);
        } else if (op instanceof EditOp.CreateMicrogrids c) {
            create(c, parents);
        } else if (op instanceof EditOp.CreateGrid g) {
            createGrid(g, parents);
        } else if (op instanceof EditOp.Rename r) {
            rename(r);
        } else if (op instanceof EditOp.Redraw r) {
            redraw(r, parents);
        }
        return checks.run(d, parents);
    }

    private Draft.Row region(String code) {
        return d.find(code).orElseThrow(() -> d.retiredHere(code)
                ? EditOp.at("retired-region", null, code, null, "区划 " + code + " 已在本变更中撤销", "region " + code + " is retired in this change set", null)
                : EditOp.at("unknown-region", null, code, null, "没有代码为 " + code + " 的现行区划", "no current region has the code " + code, null));
    }

    private Draft.Row of(String code, Level level) {
        Draft.Row r = region(code);
        if (r.level() != level) {
            throw EditOp.at("wrong-level", r.level().wireName(), code, null, code + " 是" + zh(r.level()) + ",此处需要" + zh(level),
                    code + " is a " + r.level().wireName() + "; this needs a " + level.wireName(), null);
        }
        return r;
    }

    // ---- reshapeEdge -------------------------------------------------------------------------------------------

    private void reshapeEdge(EditOp.ReshapeEdge op, Set<String> parents) {
        Draft.Row a = region(op.a());
        Draft.Row b = region(op.b());
        if (a.level() != b.level()) {
            throw EditOp.at("mixed-levels", a.level().wireName(), a.code(), b.code(), "a 与 b 必须同级", "a and b must be of one level", null);
        }
        if (a.level() != Level.MICROGRID && a.level() != Level.GRID) {
            throw EditOp.at("locked-boundary", a.level().wireName(), a.code(), b.code(), "只能直接调整网格或微网格之间的边界;社区及以上的边界随网格变化",
                    "reshapeEdge works on two grids or two micro-grids; community and higher boundaries follow their grids", null);
        }
        EdgeReshape.Sides sides = EdgeReshape.cut(a.level().wireName(), a.code(), a.geom(), b.code(), b.geom(), op.line());
        if (a.level() == Level.MICROGRID) {
            d.put(a.with(Plane.inverse(sides.a())));
            d.put(b.with(Plane.inverse(sides.b())));
            parents.add(a.parentCode());
            parents.add(b.parentCode());
            return;
        }
        // two grids: their micro-grids are cut by the line; a piece on the other side joins a micro-grid there
        List<Draft.Row> olds = new ArrayList<>(d.children(a.code()));
        olds.addAll(d.children(b.code()));
        List<Geometry> planes = olds.stream().map(r -> Plane.forward(r.geom())).toList();
        List<Plane.Face> faces = Plane.faces(planes, List.of(sides.line()));
        Map<Integer, String> target = new HashMap<>();
        for (int i = 0; i < faces.size(); i++) {
            target.put(i, sides.a().covers(faces.get(i).polygon().getInteriorPoint()) ? a.code() : b.code());
        }
        regroup(olds, faces, target, parents);
        parents.add(a.code());
        parents.add(b.code());
    }

    /**
     * Gives every face to a micro-grid of its target grid: faces of a micro-grid of that grid stay with it; a
     * micro-grid with no face left on its own grid's side moves whole (renumbered); other pieces join the micro-grid
     * of the target grid they share the longest edge with; a piece with no such neighbour becomes a new micro-grid.
     */
    private void regroup(List<Draft.Row> olds, List<Plane.Face> faces, Map<Integer, String> targetGrid, Set<String> parents) {
        Map<String, List<Polygon>> owned = new TreeMap<>();
        Map<Integer, List<Integer>> byOwner = new TreeMap<>();
        for (int i = 0; i < faces.size(); i++) {
            byOwner.computeIfAbsent(faces.get(i).owner(), k -> new ArrayList<>()).add(i);
        }
        List<Integer> orphans = new ArrayList<>();
        Map<String, String> renumbered = new HashMap<>();
        for (Map.Entry<Integer, List<Integer>> e : byOwner.entrySet()) {
            Draft.Row m = olds.get(e.getKey());
            boolean anyHome = e.getValue().stream().anyMatch(i -> targetGrid.get(i).equals(m.parentCode()));
            for (int i : e.getValue()) {
                String t = targetGrid.get(i);
                if (t.equals(m.parentCode())) {
                    owned.computeIfAbsent(m.code(), k -> new ArrayList<>()).add(faces.get(i).polygon());
                } else if (!anyHome) {
                    // the whole micro-grid changes grid: it keeps its shape and takes a code of the new grid
                    String code = renumbered.computeIfAbsent(m.code(), k -> nextMicrogrid(t));
                    owned.computeIfAbsent(code, k -> new ArrayList<>()).add(faces.get(i).polygon());
                } else {
                    orphans.add(i);
                }
            }
        }
        Map<String, String> gridOf = new HashMap<>();
        for (Draft.Row m : olds) {
            gridOf.put(m.code(), m.parentCode());
        }
        renumbered.forEach((from, to) -> gridOf.put(to, targetGrid.get(byOwner.get(indexOf(olds, from)).get(0))));
        boolean progress = true;
        while (!orphans.isEmpty() && progress) {
            progress = false;
            for (var it = orphans.iterator(); it.hasNext();) {
                int i = it.next();
                Polygon piece = faces.get(i).polygon();
                String best = null;
                double bestLength = 0;
                for (Map.Entry<String, List<Polygon>> e : owned.entrySet()) {
                    if (!targetGrid.get(i).equals(gridOf.get(e.getKey()))) {
                        continue;
                    }
                    double len = 0;
                    for (Polygon q : e.getValue()) {
                        len += Plane.sharedLength(piece, q);
                    }
                    if (len > bestLength + 1e-9) {
                        best = e.getKey();
                        bestLength = len;
                    }
                }
                if (best != null) {
                    owned.get(best).add(piece);
                    d.lineage(olds.get(faces.get(i).owner()).code(), best, "moved", piece.getArea());
                    it.remove();
                    progress = true;
                }
            }
        }
        for (int i : orphans) { // no neighbour in the target grid: a micro-grid of its own
            String code = nextMicrogrid(targetGrid.get(i));
            gridOf.put(code, targetGrid.get(i));
            owned.put(code, new ArrayList<>(List.of(faces.get(i).polygon())));
            d.lineage(olds.get(faces.get(i).owner()).code(), code, "split", faces.get(i).area());
        }
        Map<String, Draft.Row> oldByCode = new HashMap<>();
        for (Draft.Row m : olds) {
            oldByCode.put(m.code(), m);
        }
        for (Map.Entry<String, List<Polygon>> e : owned.entrySet()) {
            MultiPolygon g = Plane.inverse(unionFaces(e.getValue()));
            Draft.Row old = oldByCode.get(e.getKey());
            if (old != null) {
                if (!same(old.geom(), g)) {
                    d.put(old.with(g));
                }
            } else {
                String grid = gridOf.get(e.getKey());
                d.create(e.getKey(), Level.MICROGRID, microgridName(grid, e.getKey()), grid, g);
            }
            parents.add(gridOf.get(e.getKey()));
        }
        renumbered.forEach((from, to) -> {
            d.retire(oldByCode.get(from));
            d.lineage(from, to, "renumbered", Plane.forward(oldByCode.get(from).geom()).getArea());
            parents.add(oldByCode.get(from).parentCode());
        });
        for (Draft.Row m : olds) {
            if (!owned.containsKey(m.code()) && !renumbered.containsKey(m.code())) {
                d.retire(m); // every piece joined others (cannot happen with a home face, kept for safety)
            }
        }
    }

    private static int indexOf(List<Draft.Row> rows, String code) {
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).code().equals(code)) {
                return i;
            }
        }
        return -1;
    }

    // ---- split / createMicrogrids ------------------------------------------------------------------------------

    private void split(EditOp.Split op, Set<String> parents) {
        Draft.Row r = region(op.code());
        if (r.level() == Level.GRID) {
            splitGrid(r, op.line(), parents);
            return;
        }
        Draft.Row m = of(op.code(), Level.MICROGRID);
        cut(List.of(m), List.of(op.line()), parents);
    }

    /**
     * A grid cut in two by a line: the larger side keeps the code, the other is a new grid of the community (its next
     * unused number). Micro-grids wholly on the new side move there (renumbered); one the line crosses keeps its code
     * on its grid's side, and its piece over the line joins the neighbour there or becomes a new micro-grid.
     */
    private void splitGrid(Draft.Row grid, org.locationtech.jts.geom.LineString line, Set<String> parents) {
        Geometry area = Plane.forward(grid.geom());
        Geometry pl = Plane.line(line);
        if (pl.isEmpty() || !pl.isSimple()) {
            throw EditOp.at("self-crossing", Level.GRID.wireName(), grid.code(), null, "切分线自相交", "the cutting line crosses itself", line);
        }
        Geometry inside = OverlayNG.overlay(pl, area, OverlayNG.INTERSECTION, Plane.GRID);
        List<Plane.Face> sides = inside.isEmpty() ? List.of() : Plane.faces(List.of(area), List.of(inside));
        if (sides.size() != 2) {
            throw EditOp.at(sides.size() < 2 ? "does-not-split" : "not-two-parts", Level.GRID.wireName(), grid.code(), null,
                    "切分线必须把网格分成两部分", "the line must cut the grid into exactly two parts", line);
        }
        Polygon keep = sides.get(0).area() >= sides.get(1).area() ? sides.get(0).polygon() : sides.get(1).polygon();
        Polygon other = keep == sides.get(0).polygon() ? sides.get(1).polygon() : sides.get(0).polygon();
        String fresh = d.nextCode(grid.parentCode(), Level.GRID).orElseThrow(() -> EditOp.at("codes-exhausted", Level.COMMUNITY.wireName(),
                grid.parentCode(), null, "社区 " + grid.parentCode() + " 的网格编号已用完(001–999)",
                "community " + grid.parentCode() + " has used every grid number (001–999)", null));
        String communityName = d.find(grid.parentCode()).map(Draft.Row::name).orElse(grid.parentCode());
        d.create(fresh, Level.GRID, communityName + "第" + Integer.parseInt(fresh.substring(grid.parentCode().length())) + "网格", grid.parentCode(),
                Plane.inverse(other));
        d.lineage(grid.code(), fresh, "split", other.getArea());
        // the grid's micro-grids, and the neighbours across its boundary (they take the line's crossings as vertices)
        List<Draft.Row> olds = new ArrayList<>(d.children(grid.code()));
        for (Draft.Row n : d.inBox(Level.MICROGRID, grid.geom().getEnvelopeInternal())) {
            if (!grid.code().equals(n.parentCode()) && n.geom().intersects(grid.geom())) {
                olds.add(n);
            }
        }
        List<Plane.Face> faces = Plane.faces(olds.stream().map(r -> Plane.forward(r.geom())).toList(), List.of(inside));
        Map<Integer, String> target = new HashMap<>();
        for (int i = 0; i < faces.size(); i++) {
            Draft.Row owner = olds.get(faces.get(i).owner());
            target.put(i, !grid.code().equals(owner.parentCode()) ? owner.parentCode()
                    : keep.covers(faces.get(i).polygon().getInteriorPoint()) ? grid.code() : fresh);
        }
        regroup(olds, faces, target, parents);
        parents.add(grid.code());
        parents.add(fresh);
    }

    private void create(EditOp.CreateMicrogrids op, Set<String> parents) {
        Draft.Row grid = of(op.grid(), Level.GRID);
        cut(d.children(grid.code()), op.lines(), parents);
    }

    /**
     * Cuts micro-grids by lines: each keeps its largest piece and code; every other piece is a new micro-grid of the
     * same grid. Neighbours whose edges the lines cross take the new vertices too, so the coverage stays exact.
     */
    private void cut(List<Draft.Row> targets, List<org.locationtech.jts.geom.LineString> lines, Set<String> parents) {
        List<Geometry> planeLines = new ArrayList<>();
        for (var l : lines) {
            Geometry pl = Plane.line(l);
            if (pl.isEmpty() || !pl.isSimple()) {
                throw EditOp.at("self-crossing", Level.MICROGRID.wireName(), targets.get(0).code(), null, "切分线自相交", "the cutting line crosses itself", l);
            }
            planeLines.add(pl);
        }
        Set<String> targetCodes = new TreeSet<>();
        targets.forEach(t -> targetCodes.add(t.code()));
        // the targets and every neighbour of theirs (they take the crossings onto their shared edges)
        Map<String, Draft.Row> rows = new TreeMap<>();
        for (Draft.Row t : targets) {
            rows.put(t.code(), t);
            for (Draft.Row n : d.inBox(Level.MICROGRID, t.geom().getEnvelopeInternal())) {
                if (n.geom().intersects(t.geom())) {
                    rows.putIfAbsent(n.code(), n);
                }
            }
        }
        List<Draft.Row> olds = List.copyOf(rows.values());
        List<Geometry> planes = olds.stream().map(r -> Plane.forward(r.geom())).toList();
        Geometry targetArea = Plane.union(targets.stream().map(t -> Plane.forward(t.geom())).toList());
        // only the lines' course inside the regions cut counts: beyond them it would cut the neighbours' other edges
        Geometry inside = OverlayNG.overlay(Plane.FACTORY.buildGeometry(planeLines), targetArea, OverlayNG.INTERSECTION, Plane.GRID);
        if (inside.isEmpty() || inside.getLength() == 0) {
            throw EditOp.at("line-misses", Level.MICROGRID.wireName(), targets.get(0).code(), null, "切分线没有经过要切分的区域",
                    "the line does not cross the region it should cut", Geometries.STORAGE.buildGeometry(lines));
        }
        List<Plane.Face> faces = Plane.faces(planes, List.of(inside));
        Map<Integer, List<Polygon>> byOwner = new TreeMap<>();
        for (Plane.Face f : faces) {
            byOwner.computeIfAbsent(f.owner(), k -> new ArrayList<>()).add(f.polygon());
        }
        int newParts = 0;
        for (Map.Entry<Integer, List<Polygon>> e : byOwner.entrySet()) {
            Draft.Row m = olds.get(e.getKey());
            List<Polygon> pieces = new ArrayList<>(e.getValue());
            if (!targetCodes.contains(m.code())) {
                MultiPolygon g = Plane.inverse(unionFaces(pieces)); // a neighbour: same area, maybe new vertices
                if (!same(m.geom(), g)) {
                    d.put(m.with(g));
                    parents.add(m.parentCode());
                }
                continue;
            }
            if (pieces.size() == 1) {
                MultiPolygon g = Plane.inverse(pieces.get(0));
                if (!same(m.geom(), g)) {
                    d.put(m.with(g));
                    parents.add(m.parentCode());
                }
                continue;
            }
            pieces.sort(Comparator.comparingDouble(Polygon::getArea).reversed());
            d.put(m.with(Plane.inverse(pieces.get(0))));
            for (Polygon piece : pieces.subList(1, pieces.size())) {
                String code = nextMicrogrid(m.parentCode());
                d.create(code, Level.MICROGRID, microgridName(m.parentCode(), code), m.parentCode(), Plane.inverse(piece));
                d.lineage(m.code(), code, "split", piece.getArea());
                newParts++;
            }
            parents.add(m.parentCode());
        }
        if (newParts == 0) {
            throw EditOp.at("does-not-split", Level.MICROGRID.wireName(), targets.get(0).code(), null,
                    "切分线没有把区域分成两部分:它必须从边界一侧穿到另一侧", "the line does not cut the region in two: it must cross from one side of its boundary to another",
                    Geometries.STORAGE.buildGeometry(lines));
        }
    }

    // ---- merge / move / rename ---------------------------------------------------------------------------------

    private void merge(EditOp.Merge op, Set<String> parents) {
        List<Draft.Row> rows = op.codes().stream().map(this::region).toList();
        Level level = rows.get(0).level();
        if (level != Level.MICROGRID && level != Level.GRID) {
            throw EditOp.at("wrong-level", level.wireName(), rows.get(0).code(), null, "只能合并网格或微网格", "merge works on grids or micro-grids", null);
        }
        for (Draft.Row r : rows) {
            if (r.level() != level) {
                throw EditOp.at("mixed-levels", r.level().wireName(), r.code(), rows.get(0).code(), "合并的区划必须同级", "merged regions must be of one level", null);
            }
            if (!r.parentCode().equals(rows.get(0).parentCode())) {
                throw EditOp.at("parents-differ", level.wireName(), r.code(), rows.get(0).code(),
                        r.code() + " 与 " + rows.get(0).code() + " 不属于同一上级:先移动,再合并",
                        r.code() + " and " + rows.get(0).code() + " have different parents: move first, then merge", null);
            }
        }
        Draft.Row keep = rows.stream().filter(r -> r.code().equals(op.keep())).findFirst().orElseThrow();
        // neighbours share their edges vertex for vertex: the coverage union is exact (no snapping of nearby vertices)
        Geometry union = CoverageUnion.union(rows.stream().map(r -> Plane.forward(r.geom())).toArray(Geometry[]::new));
        if (union.getNumGeometries() != 1) {
            throw EditOp.at("not-contiguous", level.wireName(), keep.code(), null, "合并后的区域不连通:只能合并相邻的区划",
                    "the merged region is not contiguous: merge neighbours only", Plane.inverse(union));
        }
        d.put(keep.with(Plane.inverse(union)));
        parents.add(keep.parentCode());
        for (Draft.Row r : rows) {
            if (r == keep) {
                continue;
            }
            if (level == Level.GRID) { // the retired grid's micro-grids join the kept grid, renumbered
                for (Draft.Row m : d.children(r.code())) {
                    renumber(m, keep.code());
                }
            }
            d.retire(r);
            d.lineage(r.code(), keep.code(), "merged", Plane.forward(r.geom()).getArea());
        }
    }

    private void move(EditOp.MoveMicrogrids op, Set<String> parents) {
        Draft.Row to = of(op.toGrid(), Level.GRID);
        for (String code : op.codes()) {
            Draft.Row m = of(code, Level.MICROGRID);
            if (m.parentCode().equals(to.code())) {
                throw EditOp.at("already-there", Level.MICROGRID.wireName(), code, to.code(), code + " 已属于网格 " + to.code(),
                        code + " already belongs to grid " + to.code(), null);
            }
            parents.add(m.parentCode());
            renumber(m, to.code());
        }
        parents.add(to.code());
    }

    /**
     * A new grid of the community its micro-grids lie in (the next unused grid number), the micro-grids moved into it
     * and renumbered; every grid they leave keeps at least one micro-grid. Its kind and properties go with it.
     */
    private void createGrid(EditOp.CreateGrid op, Set<String> parents) {
        List<Draft.Row> ms = new ArrayList<>();
        String community = null;
        java.util.Map<String, Integer> taken = new java.util.LinkedHashMap<>();
        for (String code : op.microgrids()) {
            Draft.Row m = of(code, Level.MICROGRID);
            Draft.Row grid = of(m.parentCode(), Level.GRID);
            if (community == null) {
                community = grid.parentCode();
            } else if (!community.equals(grid.parentCode())) {
                throw EditOp.at("other-community", Level.MICROGRID.wireName(), code, community, code + " 不在社区 " + community + " 内:新网格的微网格须属同一社区",
                        code + " lies outside community " + community + ": a new grid's micro-grids belong to one community", m.geom());
            }
            taken.merge(grid.code(), 1, Integer::sum);
            ms.add(m);
        }
        for (java.util.Map.Entry<String, Integer> t : taken.entrySet()) {
            if (d.children(t.getKey()).size() <= t.getValue()) {
                throw EditOp.at("grid-emptied", Level.GRID.wireName(), t.getKey(), null, "网格 " + t.getKey() + " 不能交出全部微网格",
                        "grid " + t.getKey() + " would give away all its micro-grids (merge it instead)", null);
            }
        }
        String parent = community;
        String fresh = d.nextCode(parent, Level.GRID).orElseThrow(() -> EditOp.at("codes-exhausted", Level.COMMUNITY.wireName(), parent, null,
                "社区 " + parent + " 的网格编号已用完(001–999)", "community " + parent + " has used every grid number (001–999)", null));
        MultiPolygon area = cn.gridmap.geo.Geometries.toMultiPolygon(unionFaces(ms.stream()
                .flatMap(m -> java.util.stream.IntStream.range(0, m.geom().getNumGeometries()).mapToObj(i -> (Polygon) m.geom().getGeometryN(i)))
                .toList()), cn.gridmap.geo.Geometries.STORAGE);
        d.create(fresh, Level.GRID, op.newName(), parent, area);
        com.fasterxml.jackson.databind.node.ObjectNode props = op.properties() == null ? ChangeSetService.JSON.createObjectNode()
                : (com.fasterxml.jackson.databind.node.ObjectNode) ChangeSetService.JSON.valueToTree(parse(op.properties()));
        props.put("kind", op.kind());
        com.fasterxml.jackson.databind.node.ArrayNode from = props.putArray("carvedFrom");
        taken.keySet().forEach(from::add);
        d.properties(fresh, props.toString());
        for (String g : taken.keySet()) {
            double a = ms.stream().filter(m -> m.parentCode().equals(g)).mapToDouble(m -> Plane.forward(m.geom()).getArea()).sum();
            d.lineage(g, fresh, "split", a);
            parents.add(g);
        }
        for (Draft.Row m : ms) {
            renumber(m, fresh);
        }
        parents.add(fresh);
    }

    private static com.fasterxml.jackson.databind.JsonNode parse(String json) {
        try {
            return ChangeSetService.JSON.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A micro-grid joins another grid: the next unused code of that grid, the old one retired. */
    private void renumber(Draft.Row m, String grid) {
        String code = nextMicrogrid(grid);
        d.create(code, Level.MICROGRID, microgridName(grid, code), grid, m.geom());
        d.retire(m);
        d.lineage(m.code(), code, "renumbered", Plane.forward(m.geom()).getArea());
    }

    private void rename(EditOp.Rename op) {
        Draft.Row r = region(op.code());
        if (r.level().ordinal() < checks.unlocks().ordinal() || r.level().ordinal() <= Level.DISTRICT.ordinal()) {
            throw EditOp.at("locked-boundary", r.level().wireName(), r.code(), null, zh(r.level()) + "的名称在本变更中锁定",
                    "the names of " + r.level().wireName() + " regions are locked in this change set", null);
        }
        d.put(new Draft.Row(r.code(), r.level(), op.newName(), r.parentCode(), r.geom(), false, r.base()));
    }

    // ---- redraw (boundaries drawn in another GIS) ---------------------------------------------------------------

    /** Gaps, overlaps and overhangs narrower than this (metres, 2·area/perimeter) are snapping slivers, not intent. */
    static final double SLIVER_WIDTH = 0.5;

    private static boolean sliver(Geometry g) {
        double p = g.getLength();
        return g.getArea() < 1.0 || p > 0 && 2 * g.getArea() / p < SLIVER_WIDTH;
    }

    /**
     * The children of a grid (micro-grids) or of a community (grids) drawn anew: the parts are carried into the plane,
     * clipped to the parent (which keeps its outer boundary: an overhang wider than a sliver is refused), their
     * boundaries noded with the micro-grids of the parent and their neighbours, and every face given to the part that
     * covers it. A gap or overlap wider than a sliver is refused at its place; slivers join the neighbouring part they
     * share the longest edge with. Micro-grid parts keep their code or take the next one; grid parts name existing grids
     * (their micro-grids are regrouped, cut where the new lines cross them).
     */
    private void redraw(EditOp.Redraw op, Set<String> parents) {
        Draft.Row parent = region(op.parent());
        Level childLevel = switch (parent.level()) {
            case GRID -> Level.MICROGRID;
            case COMMUNITY -> Level.GRID;
            default -> throw EditOp.at("redraw-level", parent.level().wireName(), parent.code(), null, "只能重绘网格的微网格或社区的网格",
                    "redraw draws the micro-grids of a grid or the grids of a community; " + parent.code() + " is a " + parent.level().wireName(), null);
        };
        if (childLevel.ordinal() < checks.unlocks().ordinal()) {
            throw EditOp.at("locked-boundary", childLevel.wireName(), parent.code(), null, zh(childLevel) + "的边界在本变更中锁定",
                    "the boundaries of " + childLevel.wireName() + " regions are locked in this change set", null);
        }
        List<Draft.Row> children = d.children(parent.code());
        Set<String> childCodes = new TreeSet<>();
        children.forEach(c -> childCodes.add(c.code()));
        List<EditOp.Part> parts = op.parts();
        for (EditOp.Part p : parts) {
            if (p.code() != null && !childCodes.contains(p.code())) {
                throw EditOp.at("not-a-child", childLevel.wireName(), p.code(), parent.code(), p.code() + " 不是 " + parent.code() + " 的" + zh(childLevel),
                        p.code() + " is not a " + childLevel.wireName() + " of " + parent.code() + " (a new " + childLevel.wireName() + " has no code)", p.geometry());
            }
            if (p.code() == null && childLevel == Level.GRID) {
                throw EditOp.at("new-grid", Level.GRID.wireName(), null, parent.code(), "新网格请先用 createGrid 建立,再按代码重绘",
                        "a grid part needs the code of a grid of " + parent.code() + "; make a new grid with createGrid first", p.geometry());
            }
        }
        if (childLevel == Level.GRID) {
            for (String c : childCodes) {
                if (parts.stream().noneMatch(p -> c.equals(p.code()))) {
                    throw EditOp.at("grid-missing", Level.GRID.wireName(), c, parent.code(), "网格 " + c + " 不在重绘中:请先合并它",
                            "grid " + c + " is not in the redraw: merge it into a neighbour first", null);
                }
            }
        }
        List<Draft.Row> targets = childLevel == Level.MICROGRID ? children
                : children.stream().flatMap(g -> d.children(g.code()).stream()).toList();
        Geometry area = Plane.union(targets.stream().map(t -> Plane.forward(t.geom())).toList());
        List<Geometry> drawn = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            Geometry g = OverlayNG.overlay(Plane.forward(parts.get(i).geometry()), Plane.FACTORY.createPolygon(), OverlayNG.UNION, Plane.GRID);
            Geometry outside = OverlayNG.overlay(g, area, OverlayNG.DIFFERENCE, Plane.GRID);
            for (int k = 0; k < outside.getNumGeometries(); k++) {
                if (!sliver(outside.getGeometryN(k))) {
                    throw EditOp.at("outside-parent", childLevel.wireName(), parts.get(i).code(), parent.code(),
                            "第 " + (i + 1) + " 个面超出 " + parent.code() + " 的边界(外边界请用 reshapeEdge 调整)",
                            "part " + (i + 1) + " reaches beyond " + parent.code() + " by " + Math.round(outside.getGeometryN(k).getArea())
                                    + " m² (its outer boundary changes with reshapeEdge)", Plane.inverseAny(outside.getGeometryN(k)));
                }
            }
            drawn.add(OverlayNG.overlay(g, area, OverlayNG.INTERSECTION, Plane.GRID));
        }
        // the drawn lines inside the parent, noded with the micro-grids there and their neighbours (they share the crossings)
        List<Geometry> boundaries = drawn.stream().map(Geometry::getBoundary).toList();
        Geometry inside = OverlayNG.overlay(Plane.FACTORY.buildGeometry(boundaries), area, OverlayNG.INTERSECTION, Plane.GRID);
        Map<String, Draft.Row> rows = new TreeMap<>();
        Set<String> targetCodes = new TreeSet<>();
        for (Draft.Row t : targets) {
            rows.put(t.code(), t);
            targetCodes.add(t.code());
        }
        for (Draft.Row n : d.inBox(Level.MICROGRID, Plane.inverseAny(area).getEnvelopeInternal())) {
            if (!targetCodes.contains(n.code()) && Plane.forward(n.geom()).intersects(area)) {
                rows.putIfAbsent(n.code(), n);
            }
        }
        List<Draft.Row> olds = List.copyOf(rows.values());
        List<Plane.Face> faces = Plane.faces(olds.stream().map(r -> Plane.forward(r.geom())).toList(), List.of(inside));
        int[] partOf = new int[faces.size()];
        List<Integer> slivers = new ArrayList<>();
        for (int f = 0; f < faces.size(); f++) {
            partOf[f] = -1;
            if (!targetCodes.contains(olds.get(faces.get(f).owner()).code())) {
                continue;
            }
            Polygon face = faces.get(f).polygon();
            org.locationtech.jts.geom.Point at = face.getInteriorPoint();
            List<Integer> covering = new ArrayList<>();
            for (int i = 0; i < drawn.size(); i++) {
                if (drawn.get(i).covers(at)) {
                    covering.add(i);
                }
            }
            if (covering.size() > 1 && !sliver(face)) {
                throw EditOp.at("parts-overlap", childLevel.wireName(), parts.get(covering.get(0)).code(), parts.get(covering.get(1)).code(),
                        "第 " + (covering.get(0) + 1) + " 与第 " + (covering.get(1) + 1) + " 个面重叠 " + Math.round(face.getArea()) + " 平方米",
                        "parts " + (covering.get(0) + 1) + " and " + (covering.get(1) + 1) + " overlap by " + Math.round(face.getArea()) + " m²",
                        Plane.inverseAny(face));
            }
            if (covering.isEmpty() && !sliver(face)) {
                throw EditOp.at("parts-gap", childLevel.wireName(), null, parent.code(), "重绘留下 " + Math.round(face.getArea()) + " 平方米的空隙",
                        "the parts leave a gap of " + Math.round(face.getArea()) + " m² inside " + parent.code(), Plane.inverseAny(face));
            }
            if (covering.isEmpty()) {
                slivers.add(f);
            } else {
                partOf[f] = covering.get(0);
            }
        }
        boolean progress = true;
        while (!slivers.isEmpty() && progress) {
            progress = false;
            for (var it = slivers.iterator(); it.hasNext();) {
                int f = it.next();
                int best = -1;
                double bestLength = 0;
                for (int g = 0; g < faces.size(); g++) {
                    if (partOf[g] >= 0) {
                        double len = Plane.sharedLength(faces.get(f).polygon(), faces.get(g).polygon());
                        if (len > bestLength + 1e-9) {
                            best = partOf[g];
                            bestLength = len;
                        }
                    }
                }
                if (best >= 0) {
                    partOf[f] = best;
                    it.remove();
                    progress = true;
                }
            }
        }
        if (!slivers.isEmpty()) { // slivers with no drawn neighbour at all
            throw EditOp.at("parts-gap", childLevel.wireName(), null, parent.code(), "重绘留下一处空隙", "the parts leave a gap inside " + parent.code(),
                    Plane.inverseAny(faces.get(slivers.get(0)).polygon()));
        }
        for (int i = 0; i < parts.size(); i++) {
            final int k = i;
            if (java.util.stream.IntStream.range(0, faces.size()).noneMatch(f -> partOf[f] == k)) {
                throw EditOp.at("empty-part", childLevel.wireName(), parts.get(i).code(), parent.code(), "第 " + (i + 1) + " 个面不在 " + parent.code() + " 内",
                        "part " + (i + 1) + " covers nothing of " + parent.code(), parts.get(i).geometry());
            }
        }
        if (childLevel == Level.GRID) {
            Map<Integer, String> target = new HashMap<>();
            for (int f = 0; f < faces.size(); f++) {
                target.put(f, partOf[f] >= 0 ? parts.get(partOf[f]).code() : olds.get(faces.get(f).owner()).parentCode());
            }
            regroup(olds, faces, target, parents);
            for (EditOp.Part p : parts) {
                if (p.name() != null) {
                    Draft.Row g = region(p.code());
                    d.put(new Draft.Row(g.code(), g.level(), p.name(), g.parentCode(), g.geom(), false, g.base()));
                }
                parents.add(p.code());
            }
            parents.add(parent.code());
            return;
        }
        // micro-grids: each part keeps its code or takes the next one; faces of neighbours keep their owner (maybe new vertices)
        Map<Integer, List<Polygon>> byPart = new TreeMap<>();
        Map<Integer, List<Polygon>> neighbours = new TreeMap<>();
        Map<String, Double> moved = new TreeMap<>();
        for (int f = 0; f < faces.size(); f++) {
            if (partOf[f] >= 0) {
                byPart.computeIfAbsent(partOf[f], k -> new ArrayList<>()).add(faces.get(f).polygon());
            } else {
                neighbours.computeIfAbsent(faces.get(f).owner(), k -> new ArrayList<>()).add(faces.get(f).polygon());
            }
        }
        for (Map.Entry<Integer, List<Polygon>> e : neighbours.entrySet()) {
            Draft.Row m = olds.get(e.getKey());
            MultiPolygon g = Plane.inverse(unionFaces(e.getValue()));
            if (!same(m.geom(), g)) {
                d.put(m.with(g));
                parents.add(m.parentCode());
            }
        }
        Map<String, Draft.Row> oldByCode = new HashMap<>();
        children.forEach(c -> oldByCode.put(c.code(), c));
        String[] codeOf = new String[parts.size()];
        for (int i = 0; i < parts.size(); i++) {
            codeOf[i] = parts.get(i).code();
        }
        Set<String> kept = new TreeSet<>();
        for (String c : codeOf) {
            if (c != null) {
                kept.add(c);
            }
        }
        for (int i = 0; i < parts.size(); i++) {
            MultiPolygon g = Plane.inverse(unionFaces(byPart.get(i)));
            if (codeOf[i] != null) {
                Draft.Row old = oldByCode.get(codeOf[i]);
                String name = parts.get(i).name() == null ? old.name() : parts.get(i).name();
                if (!same(old.geom(), g) || !name.equals(old.name())) {
                    d.put(new Draft.Row(old.code(), old.level(), name, old.parentCode(), g, false, old.base()));
                }
            } else {
                codeOf[i] = nextMicrogrid(parent.code());
                d.create(codeOf[i], Level.MICROGRID, parts.get(i).name() == null ? microgridName(parent.code(), codeOf[i]) : parts.get(i).name(),
                        parent.code(), g);
            }
        }
        for (int f = 0; f < faces.size(); f++) {
            if (partOf[f] >= 0) {
                String from = olds.get(faces.get(f).owner()).code();
                String to = codeOf[partOf[f]];
                if (!from.equals(to)) {
                    String relation = !kept.contains(from) ? "merged" : oldByCode.containsKey(to) ? "moved" : "split";
                    moved.merge(from + "→" + to + "→" + relation, faces.get(f).area(), Double::sum);
                }
            }
        }
        moved.forEach((k, a) -> {
            String[] x = k.split("→");
            d.lineage(x[0], x[1], x[2], a);
        });
        for (Draft.Row c : children) {
            if (!kept.contains(c.code())) {
                d.retire(c);
            }
        }
        parents.add(parent.code());
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private String nextMicrogrid(String grid) {
        return d.nextCode(grid, Level.MICROGRID).orElseThrow(() -> EditOp.at("codes-exhausted", Level.GRID.wireName(), grid, null,
                "网格 " + grid + " 的微网格编号已用完(001–999)", "grid " + grid + " has used every micro-grid number (001–999)", null));
    }

    private String microgridName(String grid, String code) {
        String gridName = d.find(grid).map(Draft.Row::name).orElse(grid);
        return gridName + "第" + Integer.parseInt(code.substring(grid.length())) + "微网格";
    }

    /** The union of faces that share their edges exactly (the coverage union keeps every vertex). */
    static Geometry unionFaces(List<Polygon> faces) {
        if (faces.size() == 1) {
            return faces.get(0);
        }
        return CoverageUnion.union(faces.toArray(new Geometry[0]));
    }

    static boolean same(MultiPolygon a, MultiPolygon b) {
        MultiPolygon x = (MultiPolygon) a.copy();
        x.normalize();
        MultiPolygon y = (MultiPolygon) b.copy();
        y.normalize();
        return x.equalsExact(y);
    }

    static String zh(Level l) {
        return switch (l) {
            case CITY -> "市";
            case DISTRICT -> "区";
            case STREET -> "街道";
            case COMMUNITY -> "社区";
            case GRID -> "网格";
            case MICROGRID -> "微网格";
        };
    }
}
