#!/usr/bin/env python3
"""Browser walk-through of the technology market in headless Chromium: an enterprise searches achievements, opens
a demand and sees matches with their reasons, posts a demand through the form and submits it; a reviewer publishes
it from the review queue; the institution registers a technology contract; the points leaderboard shows the points.

    python3 Tests/browser/market.py http://127.0.0.1:8080 OUT_DIR
Ends with `browser-market: N passed, N failed`.
"""
import datetime
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from session import Session

s = Session(sys.argv[1], sys.argv[2])


def wait_for_page(prefix):
    """Waits until the browser has left the form (".../new") for a page under `prefix`."""
    s.wait.until(lambda d: prefix in d.current_url and not d.current_url.rstrip("/").endswith("/new"))


def fill(field_id, value):
    el = s.driver.find_element(By.ID, field_id)
    if el.tag_name == "select":
        s.driver.execute_script("arguments[0].value = arguments[1]", el, value)
    else:
        el.clear()
        el.send_keys(value)


try:
    s.sign_in("enterprise")
    s.get("/market/achievements?q=%E7%94%B5%E8%A7%A3%E6%A7%BD")  # 电解槽
    rows = s.driver.find_elements(By.CSS_SELECTOR, "main table tbody tr")
    s.check("achievement search for 电解槽 finds electrolyser results", rows and "电解槽" in rows[0].text, s.text())
    s.shot("m1-search.png")

    s.get("/market/demands?q=%E7%A2%B1%E6%80%A7%E7%94%B5%E8%A7%A3%E6%A7%BD")  # 碱性电解槽
    s.driver.find_element(By.PARTIAL_LINK_TEXT, "碱性电解槽制氢能耗高").click()
    body = s.text()
    s.check("the enterprise's demand shows matching achievements with reasons and holders",
          "匹配的科技成果" in body and "共同关键词" in body and "拥有相关成果的单位" in body, body)
    s.shot("m2-matches.png")

    s.get("/market/demands/new")
    deadline = (datetime.date.today() + datetime.timedelta(days=90)).isoformat()
    fill("title", "矿区重卡换电站智能调度")
    fill("problem", "矿区换电重卡数量多，换电站排队严重，希望根据车辆电量和运输计划智能调度换电顺序。")
    fill("expected", "排队时间减少30%")
    fill("field", "connected_vehicles")
    fill("budget", "600000")
    s.driver.execute_script(f"document.getElementById('deadline').value = '{deadline}'")
    fill("min_trl", "6")
    s.driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    wait_for_page("/market/demands/")
    demand_url = s.driver.current_url
    s.driver.find_element(By.XPATH, "//button[text()='提交审核']").click()
    s.check("a demand posted through the form is submitted for review", s.shows("待审核"), s.text())
    s.get("/market")
    s.driver.find_element(By.LINK_TEXT, "我的成果与需求").click()
    s.shows("矿区重卡换电站智能调度")
    rows = [r.text for r in s.driver.find_elements(By.CSS_SELECTOR, "main table tbody tr")]
    s.check("我的成果与需求 lists the new demand as waiting for review",
            any("矿区重卡换电站智能调度" in r and "待审核" in r for r in rows), rows[:5])
    s.shot("m2b-mine.png")

    s.sign_in("reviewer")
    s.get("/market/review")
    s.driver.find_element(By.LINK_TEXT, "矿区重卡换电站智能调度").click()
    s.driver.find_element(By.XPATH, "//button[text()='审核通过并发布']").click()
    s.wait.until(lambda d: d.current_url.rstrip("/").endswith("/market/review"))
    s.driver.get(demand_url)
    s.check("the reviewer publishes it", s.shows("已发布"), s.text())
    s.shot("m3-published.png")

    s.sign_in("institution")
    s.get("/market/contracts/new")
    fill("contract_number", "BROWSER-001")
    fill("title", "析氢电极技术许可")
    fill("type", "license")
    fill("field", "hydrogen")
    fill("seller_region", "150603")
    fill("buyer_name", "鄂尔多斯市康巴什氢能科技有限公司")
    fill("buyer_region", "150603")
    fill("total", "500000")
    fill("technical_income", "450000")
    s.driver.execute_script(f"document.getElementById('signed_on').value = '{datetime.date.today().isoformat()}'")
    s.driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    wait_for_page("/market/contracts/")
    body = s.text()
    s.check("the institution registers a contract and sees the engine's transaction subsidy", "登记编号" in body and "技术交易补助" in body, body)
    s.shot("m4-contract.png")
    s.get("/market/contracts")
    fill("type", "development")
    s.driver.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]").click()
    s.wait.until(EC.url_contains("type=development"))
    gone = "BROWSER-001" not in s.driver.page_source and "析氢电极技术许可" not in s.text()
    fill("type", "license")
    s.driver.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]").click()
    s.wait.until(EC.url_contains("type=license"))
    s.check("the contract list filters by type (development hides the licence, licence shows it)", gone and "析氢电极技术许可" in s.text(), s.text())

    s.get("/market/points/leaderboard")
    body = s.text()
    s.check("the leaderboard lists the organisations that earned points", "鄂尔多斯实验室" in body and "鄂尔多斯市康巴什氢能科技有限公司" in body, body)
    s.shot("m5-leaderboard.png")
except Exception as e:  # a crash is a failure with its reason
    s.finish("browser-market", e)
s.finish("browser-market")
