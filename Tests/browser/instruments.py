#!/usr/bin/env python3
"""Browser walk-through of instrument sharing in headless Chromium: an enterprise searches in Chinese, opens an
instrument, books a weekday slot through the form and finds it under 我的预约; the owning institution sees it on its
management page; a reviewer opens the evaluation and the compliance list. Screenshots go to OUT_DIR.

    python3 Tests/browser/instruments.py http://127.0.0.1:8080 OUT_DIR
Ends with the line `browser-instruments: N passed, N failed`.
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


# The next weekday at least two days ahead (Beijing time): inside the demo instruments' opening hours.
day = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).date() + datetime.timedelta(days=2)
while day.weekday() >= 5:
    day += datetime.timedelta(days=1)

try:
    sign_in("enterprise")
    driver.get(base + "/instruments?q=%E6%89%AB%E6%8F%8F%E7%94%B5%E9%95%9C")  # 扫描电镜
    rows = driver.find_elements(By.CSS_SELECTOR, "main table tbody tr")
    check("search 扫描电镜 ranks the field-emission SEM first", rows and "场发射扫描电子显微镜" in rows[0].text, text())
    driver.save_screenshot(os.path.join(out, "i1-search.png"))

    driver.get(base + "/instruments?q=XRD%20%E8%A1%8D%E5%B0%84")  # XRD 衍射
    driver.find_element(By.LINK_TEXT, "X射线衍射仪").click()
    wait.until(EC.presence_of_element_located((By.ID, "book")))
    body = text()
    check("instrument page shows specifications, fees, rules, the engine's verdict and the week",
          "D8 ADVANCE" in body and "¥400.00" in body and "第二十二条" in body and "北京时间" in body, body)
    driver.execute_script(f"document.getElementById('date').value = '{day.isoformat()}'")
    driver.execute_script("document.getElementById('start').value = '09:00'; document.getElementById('end').value = '11:00'")
    driver.find_element(By.ID, "note").send_keys("催化剂物相分析")
    driver.save_screenshot(os.path.join(out, "i2-instrument.png"))
    driver.find_element(By.CSS_SELECTOR, "form[action$='/book'] button[type=submit]").click()
    wait.until(EC.url_contains("/bookings"))
    body = text()
    check("the booking is confirmed under 我的预约 with its fee frozen", "已确认" in body and "¥800.00" in body and "X射线衍射仪" in body, body)
    driver.save_screenshot(os.path.join(out, "i3-bookings.png"))

    sign_in("institution")
    driver.get(base + "/instruments?q=X%E5%B0%84%E7%BA%BF")
    driver.find_element(By.LINK_TEXT, "X射线衍射仪").click()
    driver.find_element(By.LINK_TEXT, "预约与使用管理").click()
    body = text()
    check("the owning unit sees the booking on its management page", "催化剂物相分析" not in body and "enterprise" in body and "登记使用记录" in body, body)
    driver.save_screenshot(os.path.join(out, "i4-manage.png"))

    sign_in("reviewer")
    driver.get(base + "/instruments/evaluation")
    body = text()
    check("evaluation page lists the indicator system and the units", "机时利用率" in body and "鄂尔多斯实验室" in body, body)
    driver.save_screenshot(os.path.join(out, "i5-evaluation.png"))
    driver.get(base + "/admin/instruments/compliance")
    body = text()
    check("compliance list names the internal-only ICP-MS with the engine's reasons", "电感耦合等离子体质谱仪" in body and "instrument_value" in body, body)
    driver.save_screenshot(os.path.join(out, "i6-compliance.png"))
finally:
    driver.quit()

print(f"browser-instruments: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
