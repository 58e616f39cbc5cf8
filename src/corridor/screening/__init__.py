"""Risk screening of movements: deterministic, explainable, independent of the domain.

The services layer maps a declaration into a `subject.ScreeningSubject` and calls
`engine.ScreeningEngine.assess(subject, lists.current, seed=..., dismissals=...)`; the
`Assessment` (channel, reasons with evidence, list versions) is stored with the
movement. Watch lists: `lists.WatchListSet` (FtM JSON lines, targets.simple.csv, our
own CSV), reloadable. Goods: `goods.GoodsReference` (HS 2022, CHP tiers, military
headings). Corridor configuration: `rules.ScreeningConfig.from_dict` (TOML shape in
its docstring). Review queue: `review`. Command line: `cli.screen_app`.

Names are matched through `index.NameIndex` (`NameIndex(entities)`, or `save` it to a
folder and `NameIndex.load` it read-only in each worker process: the columns are numpy
arrays and byte buffers, so processes share one copy) and `matcher.screen(index, query)`.

Libraries: rapidfuzz (C++, typed, already a dependency) computes the string distances;
numpy holds the index columns. We transliterate with our own tables rather than PyICU
(a C++ extension built from source against libicu, whose generic Any-Latin gives ISO
forms no passport uses) and match with our own rules rather than rigour or nomenklatura
(which bring PyICU, scikit-learn, DuckDB and more); nomenklatura's logic-v2 is the
benchmark's reference (`bench/screening_eval.py`, `bench` extra).
"""
