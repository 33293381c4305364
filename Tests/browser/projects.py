#!/usr/bin/env python3
"""Browser walk-through of the projects module in headless Chromium: staff publish a call; a research institute
drafts an application, reads the engine's formal check and submits it with the integrity commitment; the three
experts assigned to a demo application in review score it (each sees only their own sheet); staff read the ranking
and approve; the enterprise records a banquet on its project and the negative list flags it with the rule; staff
disallow it.

    python3 Tests/browser/projects.py http://127.0.0.1:8080 OUT_DIR
Ends with `browser-projects: N passed, N failed`.
"""
import datetime
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from session import Session

s = Session(sys.argv[1], sys.argv[2])
today = (datetime.datetime.utcnow() + datetime.timedelta(hours=8)).date()


def fill(field_id, text):
    e = s.driver.find_element(By.ID, field_id)
    e.clear()
    e.send_keys(text)


def set_date(field_id, value):
    s.driver.execute_script("document.getElementById(arguments[0]).value = arguments[1]", field_id, value)


try:
    s.sign_in("admin")
    s.get("/projects/calls/new")
    fill("title", "2027年度储能安全关键技术攻关")
    fill("programme", "重点研发计划")
    fill("summary", "面向储能电站热失控预警与消防的关键技术需求，竞争择优支持。")
    s.driver.find_element(By.CSS_SELECTOR, "input[name=field_energy_storage]").click()
    fill("ceiling", "2000000")
    set_date("deadline", (today + datetime.timedelta(days=30)).isoformat())
    s.driver.find_element(By.ID, "publish-call").click()
    s.shows("接受申报")
    call_url = s.driver.current_url
    s.check("staff publish a call; its page shows the formal-check rules from the rule base",
            "形式审查规则" in s.text() and "间接费用" in s.text(), s.text()[:400])
    s.shot("p1-call.png")

    s.sign_in("institution")
    s.driver.get(call_url)
    s.driver.find_element(By.ID, "apply-link").click()
    fill("title", "储能电站热失控早期预警系统")
    Select(s.driver.find_element(By.ID, "field")).select_by_value("energy_storage")
    fill("objectives", "研制基于多源传感的电芯热失控早期预警系统，在鄂尔多斯储能电站完成示范验证。")
    fill("team", "张研究员|鄂尔多斯实验室|负责人\n刘工程师|鄂尔多斯实验室|系统集成")
    fill("milestones", "预警样机|样机1套，预警提前量≥10分钟|2027-09-30\n示范验证|连续运行3个月，误报率≤1%|2028-06-30")
    fill("budget_equipment", "300000")
    fill("budget_business", "700000")
    fill("budget_labour", "300000")
    fill("budget_indirect", "400000")
    s.driver.find_element(By.ID, "save-draft").click()
    s.shows("形式审查")
    check = s.driver.find_element(By.ID, "formal-check").text
    s.check("the draft's formal check names the failing rule: indirect costs above the engine's cap (30% × 1,000,000)",
            "¥300,000.00" in s.driver.find_element(By.ID, "indirect-cap").text and "✗" in check and "间接费用" in check, check)
    s.shot("p2-check-fails.png")
    fill("budget_indirect", "300000")
    s.driver.find_elements(By.ID, "save-draft")[-1].click()
    s.shows("形式审查")
    s.driver.find_element(By.ID, "commitment").click()
    s.driver.find_element(By.ID, "submit-application").click()
    s.shows("已提交")
    s.check("signed and submitted, the application is frozen (no edit form)", "已提交" in s.driver.find_element(By.ID, "application-state").text
            and not s.driver.find_elements(By.ID, "save-draft"), s.text()[:300])
    s.shot("p3-submitted.png")

    scored = 0
    for expert in ["expert1", "expert2", "expert3", "expert4", "expert5"]:
        s.sign_in(expert)
        s.get("/projects/reviews")
        links = s.driver.find_elements(By.LINK_TEXT, "PEM电解槽膜电极国产化")
        if not links:
            continue
        links[0].click()
        s.shows("评分表")
        body = s.text()
        s.check(f"{expert} sees the assigned application and no other expert's sheet", "PEM电解槽膜电极国产化" in body and "评审意见第" not in body, body[:300])
        for i, inp in enumerate(s.driver.find_elements(By.CSS_SELECTOR, "input.score")):
            inp.send_keys(str(80 + scored + i))
        fill("comment", f"评审意见第{scored + 1}份：膜电极路线可行，建议补充耐久性数据。")
        s.driver.find_element(By.ID, "submit-score").click()
        s.shows("我的评审任务")
        scored += 1
    s.check("three experts scored the application", scored == 3, scored)
    s.shot("p4-expert.png")

    s.sign_in("admin")
    s.get("/projects?mode=milestone")
    s.driver.find_element(By.PARTIAL_LINK_TEXT, "绿氢装备").click()
    s.driver.find_element(By.ID, "ranking-link").click()
    ranking = s.driver.find_element(By.ID, "ranking").text
    s.check("staff see the ranking with the trimmed-mean rule stated", "PEM电解槽膜电极国产化" in ranking and "截尾平均" in s.text(), ranking)
    s.shot("p5-ranking.png")
    s.driver.find_element(By.LINK_TEXT, "PEM电解槽膜电极国产化").click()
    Select(s.driver.find_element(By.ID, "action")).select_by_value("approve")
    fill("note", "评审排名第一，同意立项。")
    s.driver.find_element(By.ID, "act-submit").click()
    s.shows("拟立项")
    s.check("staff approve it", "拟立项" in s.driver.find_element(By.ID, "application-state").text, s.text()[:200])

    s.sign_in("enterprise")
    s.get("/projects/mine")
    s.driver.find_element(By.CSS_SELECTOR, "#projects a").click()
    s.shows("经费")
    Select(s.driver.find_element(By.ID, "e-kind")).select_by_value("entertainment")
    fill("e-amount", "1288.00")
    fill("e-payee", "鄂尔多斯国际大酒店")
    fill("e-invoice", "BROWSER-0001")
    set_date("e-day", today.isoformat())
    fill("e-desc", "项目合作交流宴请")
    s.driver.find_element(By.ID, "record-expense").click()
    s.shows("触发负面清单")
    rows = s.driver.find_element(By.ID, "expense-list").text
    s.check("the banquet is flagged with NL1 and its clause", "鄂尔多斯国际大酒店" in rows and "NL1" in rows and "已标记待核实" in rows, rows)
    s.shot("p6-flagged.png")
    project_url = s.driver.current_url.split("#")[0]

    s.sign_in("admin")
    s.driver.get(project_url)
    forms = s.driver.find_elements(By.CSS_SELECTOR, "form[action*='/resolve']")
    target = [f for f in forms if "BROWSER" in s.driver.execute_script("return arguments[0].closest('tr').innerText", f)][0]
    target.find_element(By.CSS_SELECTOR, "input[name=note]").send_keys("宴请不得列支，责令退回。")
    target.find_element(By.CSS_SELECTOR, "button[value=disallow]").click()
    s.shows("已处理")
    rows = s.driver.find_element(By.ID, "expense-list").text
    s.check("staff disallow it; the row says so", "不予认可" in rows, rows)
    s.shot("p7-resolved.png")
except Exception as e:  # a crash is a failure with its reason
    s.finish("browser-projects", e)
s.finish("browser-projects")
