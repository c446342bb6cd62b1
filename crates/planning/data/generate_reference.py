#!/usr/bin/env python3
"""Writes the shipped reference tables of planning.md §11 into reference/.

Every number is either a figure quoted in planning.md §11/§13 (status published or secondary) or
derived from those figures by the interim rules of §11 (status derived or interim). Population is
an interim approximation anchored on the §13 V1 figures until the ONS SNPP extract is transcribed.
Run from this directory: python3 generate_reference.py
"""
import csv, math, os

OUT = "reference"
ENGLAND = "E92000001"
DEMO = "E99999999"
REGIONS = [
    ("E12000001", "North East", 0.047), ("E12000002", "North West", 0.131),
    ("E12000003", "Yorkshire and The Humber", 0.097), ("E12000004", "East Midlands", 0.086),
    ("E12000005", "West Midlands", 0.105), ("E12000006", "East of England", 0.111),
    ("E12000007", "London", 0.158), ("E12000008", "South East", 0.163),
    ("E12000009", "South West", 0.102),
]
SFC = "Skills for Care, The state of the adult social care sector and workforce in England"
AGE_BANDS = ["<20", "20-24", "25-34", "35-44", "45-54", "55-59", "60-64", "65-67", "68+"]
LOS_BANDS = ["0-3m", "3-6m", "6-12m", "1-2y", "2-5y", "5-10y", "10-20y", "20y+"]
LOS_EDGES = [0, 0.25, 0.5, 1, 2, 5, 10, 20, 60]


def write(name, header, rows):
    with open(os.path.join(OUT, name + ".csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow(["" if v is None else (f"{v:.10g}" if isinstance(v, float) else v) for v in r])


os.makedirs(OUT, exist_ok=True)

# areas (England, regions, demo LA; the 153 councils are appended at load time from the
# carecount-codes crate by tables::shipped_areas_text, so they are not written here)
rows = [(ENGLAND, "England", "england", "", "ONS codes", "2024", )]
rows += [(c, n, "region", ENGLAND, "ONS codes", "2024") for c, n, _ in REGIONS]
rows += [(DEMO, "Demo LA", "la", "E12000003", "carecount fictional demo area", "2025")]
write("areas", ["area_code", "area_name", "level", "parent_code", "source", "vintage"], rows)

# population (interim approximation, see module doc)
def england_65_plus(year):
    # V1: 10,063,400 (2017) -> 13,166,900 (2030), linear, continued at the same slope.
    return 10_063_400 + (13_166_900 - 10_063_400) * (year - 2017) / 13

OLD_SHARES = {  # share of 65+ by band and sex (interim)
    (65, 69, "female"): 0.150, (65, 69, "male"): 0.140, (70, 74, "female"): 0.135,
    (70, 74, "male"): 0.122, (75, 79, "female"): 0.100, (75, 79, "male"): 0.085,
    (80, 84, "female"): 0.072, (80, 84, "male"): 0.056, (85, 89, "female"): 0.046,
    (85, 89, "male"): 0.031, (90, None, "female"): 0.041, (90, None, "male"): 0.022,
}
total = sum(OLD_SHARES.values())
OLD_SHARES = {k: v / total for k, v in OLD_SHARES.items()}
rows = []
areas = [(ENGLAND, 1.0)] + [(c, s) for c, _, s in REGIONS] + [(DEMO, 0.0047)]
src = "carecount interim approximation (docs/decisions/planning.md)"
for code, share in areas:
    for variant, tilt in [("principal", 0.0), ("high", 0.01), ("low", -0.01)]:
        for year in range(2015, 2046):
            factor = 1 + tilt * max(0, year - 2018)
            old = england_65_plus(year) * share * factor
            young = 12_300_000 * share * (1 + tilt / 2 * max(0, year - 2018))
            working = 34_500_000 * share * (1.003 ** (year - 2017)) * (1 + tilt / 2 * max(0, year - 2018))
            for sex, half in [("female", 0.5), ("male", 0.5)]:
                rows.append((code, year, sex, 0, 17, round(young * half, 1), variant, src, "interim"))
                rows.append((code, year, sex, 18, 64, round(working * half, 1), variant, src, "interim"))
                for (lo, hi, s), sh in OLD_SHARES.items():
                    if s == sex:
                        rows.append((code, year, sex, lo, hi, round(old * sh, 1), variant, src, "interim"))
write("population", ["area_code", "year", "sex", "age_min", "age_max", "population", "variant", "source", "vintage"], rows)

# prevalence: rate-1 measures and CFAS II dementia
rows = [
    ("pop_18_64", "persons", 18, 64, 1, None, None, None, "definition", "v1"),
    ("pop_65_plus", "persons", 65, None, 1, None, None, None, "definition", "v1"),
    ("pop_75_plus", "persons", 75, None, 1, None, None, None, "definition", "v1"),
    ("pop_85_plus", "persons", 85, None, 1, None, None, None, "definition", "v1"),
]
cfas = [((65, 69), (1.2, 0.6, 2.3), (1.8, 0.9, 3.6)), ((70, 74), (3.0, 2.0, 4.4), (2.5, 1.6, 3.9)),
        ((75, 79), (5.2, 3.8, 7.0), (6.2, 4.5, 8.4)), ((80, 84), (10.6, 8.2, 13.7), (9.5, 7.3, 12.3)),
        ((85, 89), (12.8, 9.0, 18.0), (18.1, 14.5, 22.2)), ((90, None), (17.1, 10.6, 26.4), (35.0, 28.4, 42.3))]
for (lo, hi), men, women in cfas:
    for sex, (r, l, h) in [("male", men), ("female", women)]:
        rows.append(("dementia_65plus", sex, lo, hi, r / 100, l / 100, h / 100, 0.95,
                     "CFAS II, Matthews et al., Lancet 2013", "2013"))
write("prevalence", ["measure", "sex", "age_min", "age_max", "rate", "rate_low", "rate_high", "ci_level", "source", "vintage"], rows)

# settings (planning.md §2)
settings = {1: "care_home_nursing", 2: "care_home", 5: "care_home"}
for c in [8, 10, 12, 73, 74]: settings[c] = "domiciliary"
for c in [54, 55]: settings[c] = "supported_living"
for c in [6, 7] + list(range(13, 22)): settings[c] = "day_community"
for c in [52, 53] + list(range(60, 73)) + [75]: settings[c] = "other"
write("settings", ["mainservice", "setting", "source", "vintage"],
      [(c, s, "planning.md §2", "v1") for c, s in sorted(settings.items())])

needs = {1: "dementia_65plus"}
for c in [2, 3, 22, 23, 25, 26, 27, 46]: needs[c] = "pop_65_plus"
for c in [4, 5, 6, 7, 8, 9, 28, 29, 31]: needs[c] = "pop_18_64"
write("serviceusers_needs", ["serviceusers_code", "measure", "source", "vintage"],
      [(c, m, "planning.md §3", "v1") for c, m in sorted(needs.items())])

write("leaving_reasons", ["reason_code", "label", "destination", "source", "vintage"], [])

# hazards, sector basis: first year 43.7%, 20y+ 20.4%, middle bands interpolated in ln h vs ln midpoint
h_first = -math.log(1 - 0.437)
h_last = -math.log(1 - 0.204)
def interp(mid):
    x0, x1 = math.log(0.5), math.log(25)
    t = (math.log(mid) - x0) / (x1 - x0)
    return math.exp(math.log(h_first) + t * (math.log(h_last) - math.log(h_first)))
hazards = [h_first, h_first, h_first]
for lo, hi in [(1, 2), (2, 5), (5, 10), (10, 20)]:
    hazards.append(interp((lo + hi) / 2))
hazards.append(h_last)
status = ["secondary"] * 3 + ["interim"] * 4 + ["secondary"]
rows = []
for code in [ENGLAND]:
    for b, h, st in zip(LOS_BANDS, hazards, status):
        rows.append((code, "sector", "all", "all", b, h, None, None, SFC + " 2021/22", "2021/22", st))
write("leaving_hazards", ["area_code", "los_basis", "role_group", "setting", "los_band", "hazard", "events", "exposure_years", "source", "vintage", "status"], rows)

# age factors
h_all = -math.log(1 - 0.290)
f_young = -math.log(1 - 0.526) / h_all
f_old = -math.log(1 - 0.241) / h_all
rows = []
for a in AGE_BANDS:
    if a == "<20": f, st = f_young, "derived"
    elif a in ("60-64", "65-67", "68+"): f, st = f_old, "derived"
    else: f, st = 1.0, "interim"
    rows.append((ENGLAND, a, f, SFC + " 2021/22", "2021/22", st))
write("age_factors", ["area_code", "age_band", "factor", "source", "vintage", "status"], rows)

write("leaver_destinations", ["area_code", "destination", "share", "source", "vintage", "status"], [
    (ENGLAND, "within_sector", 0.63, SFC + " 2021/22", "2021/22", "published"),
    (ENGLAND, "health", 0.0, "carecount interim: not published", "2021/22", "interim"),
    (ENGLAND, "other_sector", 0.0, "carecount interim: not published", "2021/22", "interim"),
    (ENGLAND, "unknown", 0.37, "carecount interim: remainder", "2021/22", "interim"),
])

# base stock 2024/25
FILLED = 1_600_000
VACANT = 111_000
TURNOVER = 0.247
GROWTH = 0.01  # interim: filled posts growth a year for starters = leavers + change
roles = {"direct_care": 0.76, "manager": 0.07, "regulated": 0.05, "other": 0.12}
sectors = {"independent": 0.843, "local_authority": 0.075}
PA = 0.082
setting_mix = {"care_home_nursing": 0.19, "care_home": 0.25, "domiciliary": 0.36,
               "supported_living": 0.10, "day_community": 0.05, "other": 0.05}
# age mix: ages 16-67 uniform by year of age, scaled to 27% aged 55+
widths = [4, 5, 10, 10, 10, 5, 5, 3, 0]
young = sum(widths[:5]); old = sum(widths[5:8])
age_mix = [w / young * 0.73 for w in widths[:5]] + [w / old * 0.27 for w in widths[5:8]] + [0.0]
# LOS mix: renewal equilibrium, band share proportional to the integral of S over the band
def survival(t):
    total, s = 0.0, 1.0
    for b in range(8):
        lo, hi = LOS_EDGES[b], LOS_EDGES[b + 1]
        if t <= lo: break
        s *= math.exp(-hazards[b] * (min(t, hi) - lo))
    return s
def integral(lo, hi, n=400):
    step = (hi - lo) / n
    return sum(survival(lo + (i + 0.5) * step) for i in range(n)) * step
los_mix = [integral(LOS_EDGES[b], LOS_EDGES[b + 1]) for b in range(8)]
los_total = sum(los_mix)
los_mix = [v / los_total for v in los_mix]

def stock_rows(code, scale, src, vintage):
    out = []
    filled_total = FILLED * scale
    vacancy_ratio = VACANT / FILLED
    non_pa = 1 - PA
    for sector, sshare in sectors.items():
        for setting, tshare in setting_mix.items():
            for role, rshare in roles.items():
                f = filled_total * sshare / non_pa * non_pa * tshare * rshare / 1.0
                f = filled_total * sshare * tshare * rshare
                v = f * vacancy_ratio
                lv = f * TURNOVER
                out.append((code, "2025-03-31", sector, setting, role, "all", "all",
                            round(f, 3), round(v, 3), round(lv + GROWTH * f, 3), round(lv, 3), src, vintage, "interim"))
    f = filled_total * PA
    out.append((code, "2025-03-31", "direct_payment", "personal_assistant", "direct_care", "all", "all",
                round(f, 3), round(f * vacancy_ratio, 3), round(f * (TURNOVER + GROWTH), 3), round(f * TURNOVER, 3),
                src, vintage, "interim"))
    for a, share in zip(AGE_BANDS, age_mix):
        out.append((code, "2025-03-31", "all", "all", "all", a, "all", round(filled_total * share, 3),
                    None, None, None, src, vintage, "interim"))
    for b, share in zip(LOS_BANDS, los_mix):
        out.append((code, "2025-03-31", "all", "all", "all", "all", b, round(filled_total * share, 3),
                    None, None, None, src, vintage, "derived"))
    return out

rows = stock_rows(ENGLAND, 1.0, SFC + " 2024/25", "2024/25")
for code, _, share in REGIONS:
    rows += stock_rows(code, share, SFC + " 2024/25 scaled by population share (interim)", "2024/25")
rows += stock_rows(DEMO, 5000 / FILLED, "carecount fictional demo area", "2025")
write("base_stock", ["area_code", "as_of", "sector", "setting", "role_group", "age_band", "los_band",
                     "filled_posts", "vacant_posts", "starters", "leavers", "source", "vintage", "status"], rows)

# joiner mix
starters = FILLED * (TURNOVER + GROWTH)
intl = 50_000 / starters
rest = (1 - 0.63 - intl) / 2
rows = [(ENGLAND, "all", "source", "within_sector", 0.63, SFC + " 2021/22", "2021/22", "published"),
        (ENGLAND, "all", "source", "international", intl, SFC + " 2024/25: 50,000 recruits / starters", "2024/25", "derived"),
        (ENGLAND, "all", "source", "new_entrant", rest, "carecount interim: even split", "2024/25", "interim"),
        (ENGLAND, "all", "source", "other_sector", rest, "carecount interim: even split", "2024/25", "interim")]
for a, share in zip(AGE_BANDS, age_mix):
    rows.append((ENGLAND, "all", "age_band", a, share, "carecount interim: ONS ages 16-67 scaled to 27% 55+", "2024/25", "interim"))
rows.append((ENGLAND, "all", "los_band", "0-3m", 1 - 0.63, "carecount interim: new to the sector", "2021/22", "interim"))
later = los_mix[1:]
for b, share in zip(LOS_BANDS[1:], later):
    rows.append((ENGLAND, "all", "los_band", b, 0.63 * share / sum(later), "carecount interim: renewal equilibrium", "2021/22", "interim"))
# The demo LA: England's mixes plus a fictional internal-move share for managers (RECSOURCE 8).
rows += [(DEMO,) + r[1:5] + ("carecount fictional demo area (England mixes)", "2025", "interim") for r in list(rows)]
rows.append((DEMO, "manager", "source", "move", 0.3, "carecount fictional demo area", "2025", "interim"))
write("joiner_mix", ["area_code", "role_group", "kind", "category", "share", "source", "vintage", "status"], rows)

write("pa_inputs", ["area_code", "year", "dp_recipients", "share_employing", "posts_per_employer", "source", "vintage", "status"],
      [(ENGLAND, 2018, 237000, 0.31, 2.0, SFC + " 2017/18", "2017/18", "secondary")])
write("pay", ["area_code", "role_group", "hourly_pay", "statistic", "as_of", "source", "vintage", "status"],
      [(ENGLAND, "direct_care", 12.00, "median", "2025-03-31", SFC + " (care worker median, March 2025)", "2024/25", "secondary")])
write("costs", ["item", "role_group", "value", "unit", "price_year", "source", "vintage", "status"], [
    ("cost_per_hire", "all", 3600, "gbp_per_hire", 2025, "CIPD average cost per recruit (seed 002 §3.2.3)", "2022", "secondary"),
    ("induction_per_entrant", "direct_care", 980, "gbp_per_entrant", 2025, "Skills for Care 2006/07 training cost per care worker", "2006/07", "secondary"),
    ("qualification_unit_cost", "all", 1540, "gbp_per_learner", 2025, "LDSS 2025-26, Level 2 Adult Social Care Certificate", "2025/26", "published"),
])
print("written")
