#!/usr/bin/env python3
"""Turn the extracted policy text (a PDF-to-text dump) into data/policy/ordos-2024-implementation.json.

Run once by a developer when the source text changes:
    python3 data/tools/extract_policy.py SOURCE.txt > data/policy/ordos-2024-implementation.json
The output is committed; the platform never reads the raw text. Every repair of extraction damage is
listed in the output's "fixes" array so a reader can check it against the original.
"""
import json
import re
import sys

CN_NUM = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十",
          "十一", "十二", "十三", "十四", "十五", "十六", "十七", "十八", "十九", "二十",
          "二十一", "二十二", "二十三", "二十四", "二十五", "二十六", "二十七", "二十八", "二十九", "三十"]
CJK = r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’\"()（）、。,:;]"

fixes = []


def repair(text: str) -> str:
    # Page footers of the printed draft ("— 6 —", "-15 -") sit between paragraphs.
    before = text
    text = re.sub(r"\n\s*[—-]\s*\d+\s*[—-]\s*\n", "\n", text)
    if text != before:
        fixes.append({"kind": "page-footer", "description": "Removed printed page numbers (— 6 —, -15 -) that interrupted article text."})
    # A paragraph broken by a page break continues on the next non-empty line without a marker.
    lines = [l.strip() for l in text.split("\n")]
    return "\n".join(lines)


def squeeze_spaces(s: str) -> str:
    # The PDF extraction put spaces inside words ("认 真落实"); Chinese text has no spaces between
    # characters. Spaces next to Latin letters or digits are kept only where they separate Latin words.
    s = re.sub(r"(?<=%s)\s+(?=%s)" % (CJK, CJK), "", s)
    s = re.sub(r"(?<=%s)\s+(?=[0-9A-Za-z&%%+])" % CJK, "", s)
    s = re.sub(r"(?<=[0-9A-Za-z&%%+])\s+(?=%s)" % CJK, "", s)
    s = re.sub(r"\s+", " ", s)
    return s.strip()


def main(path: str) -> None:
    raw = open(path, encoding="utf-8").read()
    text = repair(raw)
    lines = [l for l in text.split("\n")]
    # The printed title has one deliberate space between its two phrases; keep it.
    title = re.sub(r"\s+", " ", lines[0]).strip()
    status = squeeze_spaces(lines[2]).strip("()（）")

    # Join everything into paragraphs: a new paragraph starts at a chapter heading or an article number.
    chapter_re = re.compile(r"^([一二三四五六七八九十]+)、(.+)$")
    article_re = re.compile(r"^(?:- )?[(（]([一二三四五六七八九十]+)[)）](.*)$")
    blocks = []  # (kind, payload)
    current = None
    for line in lines[3:]:
        if not line:
            continue
        m = chapter_re.match(line)
        a = article_re.match(line)
        if m:
            current = ["chapter", m.group(1), m.group(2)]
            blocks.append(current)
        elif a:
            current = ["article", a.group(1), a.group(2)]
            blocks.append(current)
        elif current is None:
            current = ["preamble", "", line]
            blocks.append(current)
        else:
            current[2] += line
    fixes.append({"kind": "spaces", "description": "Removed spaces the extraction inserted between Chinese characters and around numbers (e.g. 认 真落实 → 认真落实, 到 2027年 → 到2027年)."})
    fixes.append({"kind": "line-breaks", "description": "Joined article paragraphs that the page layout split across lines and pages."})

    preamble = ""
    chapters = []
    for kind, num, body in blocks:
        if kind == "preamble":
            preamble = squeeze_spaces(body)
        elif kind == "chapter":
            # A chapter heading line may carry the chapter's own text (一、总体要求 has paragraphs).
            chapters.append({"number": CN_NUM.index(num) + 1, "numeral": num, "title": squeeze_spaces(body), "text": "", "articles": []})
        else:
            chapters[-1]["articles"].append((num, squeeze_spaces(body)))
    # The general-requirements chapter has prose, not articles: its paragraphs were appended to its title.
    general = chapters[0]
    general_title = "总体要求"
    general["text"] = general["title"][len(general_title):]
    general["title"] = general_title
    general["text"] = general["text"].replace("。到2027年", "。\n到2027年")
    fixes.insert(0, {"kind": "paragraphs", "description": "Kept the two paragraphs of 一、总体要求 apart (the second starts 到2027年); kept the space in the title as printed."})

    dup = "按自治区奖补金额给予等额奖补。(责任单位:市科学技术局、按自治区奖补金额给予等额奖补。(责任单位:市科学技术局、"
    unit_aliases = {"市国有资产管理委员会": "市国有资产监督管理委员会"}
    out_chapters = []
    for ch in chapters:
        arts = []
        for num, body in ch.pop("articles"):
            number = CN_NUM.index(num) + 1
            if dup in body:
                body = body.replace(dup, "按自治区奖补金额给予等额奖补。(责任单位:市科学技术局、")
                fixes.append({"kind": "duplicate", "article": number, "description": "Removed the phrase '按自治区奖补金额给予等额奖补。(责任单位:市科学技术局、' that the extraction repeated."})
            m = re.search(r"[(（]责任单位[:：](.+?)[)）]\s*$", body)
            units = []
            if m:
                for u in re.split(r"、", m.group(1)):
                    u = u.strip()
                    if u in unit_aliases:
                        fixes.append({"kind": "unit-name", "article": number, "description": f"'{u}' normalised to '{unit_aliases[u]}', the name the policy uses everywhere else."})
                        u = unit_aliases[u]
                    units.append(u)
                body_text = body[: m.start()].strip()
            else:
                body_text = body
            t = re.match(r"^(.+?)。", body_text)
            arts.append({
                "number": number,
                "numeral": num,
                "title": t.group(1) if t else body_text[:20],
                "text": body_text[t.end():].strip() if t else body_text,
                "responsibleUnits": units,
            })
        ch["articles"] = arts
        out_chapters.append(ch)

    doc = {
        "id": "ordos-2024-implementation",
        "title": title,
        "status": status,
        "basis": ["内党发〔2024〕20号", "鄂府发〔2024〕56号"],
        "source": "shared/seeds/000_60a234b90c5d1da5.txt (text extracted from the printed 征求意见稿)",
        "preamble": preamble,
        "chapters": out_chapters,
        "fixes": fixes,
    }
    json.dump(doc, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
