#!/usr/bin/env python3
"""Browser walk-through of the cultivation ladder (art. 7 梯度培育) in headless Chromium: the demo enterprise opens its
self-assessment from its account page and sees 高企 short of the R&D threshold with the gap; it raises its R&D in the
yearly data form and the criterion turns to met; a visitor assesses a typed profile on the public form.

    python3 Tests/browser/entities.py http://127.0.0.1:8080 OUT_DIR
Ends with `browser-entities: N passed, N failed`.
"""
import datetime
import sys

from selenium.webdriver.common.by import By

from session import Session

s = Session(sys.argv[1], sys.argv[2])


def criterion_row(title):
    """The table row of a criterion by its title: its class says eligible / not-eligible / undetermined."""
    for row in s.driver.find_elements(By.CSS_SELECTOR, "#rung-hnte tr.criterion"):
        if title in row.text:
            return row
    return None


try:
    s.sign_in("enterprise")
    s.get("/account")
    s.driver.find_element(By.PARTIAL_LINK_TEXT, "梯度培育自评").click()
    s.shows("逐级自评结果")
    body = s.text()
    s.check("the enterprise's ladder lists every rung with the next one to aim for",
            all(w in body for w in ["科技型中小企业", "创新型中小企业", "高新技术企业", "专精特新中小企业", "下一步目标"]), body)
    row = criterion_row("近三年研发费用占同期销售收入比例")
    s.check("高企: the R&D-intensity criterion is not met and shows the gap in 万元",
            row is not None and "not-eligible" in row.get_attribute("class") and "差" in row.text and "万元" in row.text,
            row.text if row else body)
    s.shot("e1-ladder.png")
    ladder_url = s.driver.current_url.split("?")[0]

    # Raise the latest year's R&D in the data form (last year, the demo's latest), then assess again.
    latest = str(datetime.date.today().year - 1)
    s.get(ladder_url.replace(s.base, "").replace("/ladder", "/data") + "?year=" + latest)
    s.driver.execute_script("document.getElementById('year').value = arguments[0]", latest)
    rd = s.driver.find_element(By.ID, "f-rd_expense")
    rd.clear()
    rd.send_keys("800万")
    dom = s.driver.find_element(By.ID, "f-rd_expense_domestic")
    dom.clear()
    dom.send_keys("800万")
    s.driver.find_element(By.CSS_SELECTOR, "form[action$='/data'] button[type=submit]").click()
    s.check("the data form saves the new R&D figures", s.shows("数据已保存"), s.text())
    s.get(ladder_url.replace(s.base, "") + "?year=" + latest)
    row = criterion_row("近三年研发费用占同期销售收入比例")
    s.check("after entering 800万 of R&D the criterion is met and the gap is gone",
            row is not None and " eligible" in " " + row.get_attribute("class") and "not-eligible" not in row.get_attribute("class"),
            row.text if row else s.text())
    s.shot("e2-ladder-after.png")

    s.driver.delete_all_cookies()
    s.get("/ladder")
    for field, value in [("staff_count", "100"), ("tech_staff_count", "30"), ("revenue", "1000万"), ("total_assets", "800万"),
                         ("rd_expense", "60万"), ("total_costs", "900万"), ("ip_class1_count", "1")]:
        s.driver.find_element(By.ID, "in-" + field).send_keys(value)
    for field in ["restricted_industry", "serious_violation"]:
        s.driver.execute_script("document.getElementById(arguments[0]).value = 'false'", "in-" + field)
    s.driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    s.shows("逐级自评结果")
    rung = s.driver.find_element(By.ID, "rung-tech_sme")
    s.check("a visitor's typed profile meets 科技型中小企业 (100 points) and the rest stay undetermined, never zero",
            "eligible" in rung.get_attribute("class") and "100" in rung.text and "待定" in s.text(), rung.text)
    s.shot("e3-public-form.png")

    s.sign_in("admin")
    s.get("/admin/recognitions?expiring=1")
    s.check("staff see recognitions expiring within 90 days", "即将到期" in s.text(), s.text())
    s.get("/entities/points?year=" + latest)
    body = s.text()
    s.check("the innovation points list ranks enterprises within stages and prints its method",
            "ordos-pilot-v1" in body and "组内百分位" in body and "成长期" in body, body)
    s.shot("e4-points.png")
    s.get("/entities/tracking")
    body = s.text()
    s.check("双倍增/三清零 shows counts by banner and the 规上 firms still at zero", "双倍增" in body and "尚未清零的企业" in body, body)
    s.get("/platforms")
    s.driver.execute_script("document.getElementById('kind').value = 'concept_verification'")
    s.driver.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]").click()
    s.wait.until(lambda d: "kind=concept_verification" in d.current_url)
    s.driver.find_element(By.PARTIAL_LINK_TEXT, "概念验证中心").click()
    s.shows("奖补测算")
    body = s.text()
    s.check("the concept-verification centre's award equals the region's, labelled as matching", "¥1,000,000.00" in body and "按自治区金额等额" in body, body)
    s.shot("e5-platform.png")
    s.get("/admin/ladder/runs")
    s.driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    done = s.shows("ladder.xlsx")
    s.check("a ladder batch run finishes in the background with its files (the page refreshes itself)", done and "已完成" in s.text(), s.text())
    s.shot("e6-ladder-run.png")
except Exception as e:  # a crash is a failure with its reason
    s.finish("browser-entities", e)
s.finish("browser-entities")
