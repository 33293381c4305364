#!/usr/bin/env python3
"""Browser walk-through of the technology market in headless Chromium: an enterprise searches achievements, opens
a demand and sees matches with their reasons, posts a demand through the form and submits it; a reviewer publishes
it from the review queue; the institution registers a technology contract; the points leaderboard shows the points.

    python3 Tests/browser/market.py http://127.0.0.1:8080 OUT_DIR
Ends with `browser-market: N passed, N failed`.
"""
import datetime
import os
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

base, out = sys.argv[1].rstrip("/"), sys.argv[2]
os.makedirs(out, exist_ok=True)
opts = webdriver.ChromeOptions()
opts.binary_location = "/usr/bin/chromium"
for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000", "--lang=zh-CN"):
    opts.add_argument(a)
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
wait = WebDriverWait(driver, 15)
passed = failed = 0


def check(name, condition, detail=""):
    global passed, failed
    if condition:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name} {detail[:400]}")


def sign_in(user):
    driver.delete_all_cookies()
    driver.get(base + "/login")
    driver.find_element(By.ID, "username").send_keys(user)
    driver.find_element(By.ID, "password").send_keys("Demo@2026")
    driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, ".session .who")))


def text():
    return driver.find_element(By.TAG_NAME, "body").text


def wait_for_page(prefix):
    """Waits until the browser has left the form (".../new") for a page under `prefix`."""
    wait.until(lambda d: prefix in d.current_url and not d.current_url.rstrip("/").endswith("/new"))


def shows(words):
    """Waits (up to 15 s) for the page to contain `words` after a click; False when it never does."""
    try:
        wait.until(lambda d: words in d.find_element(By.TAG_NAME, "body").text)
        return True
    except Exception:
        return False


def fill(field_id, value):
    el = driver.find_element(By.ID, field_id)
    if el.tag_name == "select":
        driver.execute_script("arguments[0].value = arguments[1]", el, value)
    else:
        el.clear()
        el.send_keys(value)


try:
    sign_in("enterprise")
    driver.get(base + "/market/achievements?q=%E7%94%B5%E8%A7%A3%E6%A7%BD")  # 电解槽
    rows = driver.find_elements(By.CSS_SELECTOR, "main table tbody tr")
    check("achievement search for 电解槽 finds electrolyser results", rows and "电解槽" in rows[0].text, text())
    driver.save_screenshot(os.path.join(out, "m1-search.png"))

    driver.get(base + "/market/demands?q=%E7%A2%B1%E6%80%A7%E7%94%B5%E8%A7%A3%E6%A7%BD")  # 碱性电解槽
    driver.find_element(By.PARTIAL_LINK_TEXT, "碱性电解槽制氢能耗高").click()
    body = text()
    check("the enterprise's demand shows matching achievements with reasons and holders",
          "匹配的科技成果" in body and "共同关键词" in body and "拥有相关成果的单位" in body, body)
    driver.save_screenshot(os.path.join(out, "m2-matches.png"))

    driver.get(base + "/market/demands/new")
    deadline = (datetime.date.today() + datetime.timedelta(days=90)).isoformat()
    fill("title", "矿区重卡换电站智能调度")
    fill("problem", "矿区换电重卡数量多，换电站排队严重，希望根据车辆电量和运输计划智能调度换电顺序。")
    fill("expected", "排队时间减少30%")
    fill("field", "connected_vehicles")
    fill("budget", "600000")
    driver.execute_script(f"document.getElementById('deadline').value = '{deadline}'")
    fill("min_trl", "6")
    driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    wait_for_page("/market/demands/")
    demand_url = driver.current_url
    driver.find_element(By.XPATH, "//button[text()='提交审核']").click()
    check("a demand posted through the form is submitted for review", shows("待审核"), text())

    sign_in("reviewer")
    driver.get(base + "/market/review")
    driver.find_element(By.LINK_TEXT, "矿区重卡换电站智能调度").click()
    driver.find_element(By.XPATH, "//button[text()='审核通过并发布']").click()
    wait.until(lambda d: d.current_url.rstrip("/").endswith("/market/review"))
    driver.get(demand_url)
    check("the reviewer publishes it", shows("已发布"), text())
    driver.save_screenshot(os.path.join(out, "m3-published.png"))

    sign_in("institution")
    driver.get(base + "/market/contracts/new")
    fill("contract_number", "BROWSER-001")
    fill("title", "析氢电极技术许可")
    fill("type", "license")
    fill("field", "hydrogen")
    fill("seller_region", "150603")
    fill("buyer_name", "鄂尔多斯市康巴什氢能科技有限公司")
    fill("buyer_region", "150603")
    fill("total", "500000")
    fill("technical_income", "450000")
    driver.execute_script(f"document.getElementById('signed_on').value = '{datetime.date.today().isoformat()}'")
    driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    wait_for_page("/market/contracts/")
    body = text()
    check("the institution registers a contract and sees the engine's transaction subsidy", "登记编号" in body and "技术交易补助" in body, body)
    driver.save_screenshot(os.path.join(out, "m4-contract.png"))

    driver.get(base + "/market/points/leaderboard")
    body = text()
    check("the leaderboard lists the organisations that earned points", "鄂尔多斯实验室" in body and "鄂尔多斯市康巴什氢能科技有限公司" in body, body)
    driver.save_screenshot(os.path.join(out, "m5-leaderboard.png"))
finally:
    driver.quit()

print(f"browser-market: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
