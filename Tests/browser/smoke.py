#!/usr/bin/env python3
"""Browser smoke test: a real headless Chromium opens the home page, signs in through the form and reads
article 7, checking the rendered DOM text and saving a screenshot of each page.

    python3 Tests/browser/smoke.py http://127.0.0.1:8080 OUT_DIR
Needs Debian's chromium and chromium-driver, a CJK font (fonts-wqy-microhei) and `pip install selenium`.
Ends with the line `browser: N passed, N failed`.
"""
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
for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900", "--lang=zh-CN"):
    opts.add_argument(a)
# The driver path is given so Selenium never tries to download one.
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
        print(f"FAIL {name} {detail}")


try:
    driver.get(base + "/")
    body = driver.find_element(By.TAG_NAME, "body").text
    check("home page shows the platform name and live counts", "鄂尔多斯科创服务平台" in body and "家企业" in body, body[:300])
    driver.save_screenshot(os.path.join(out, "1-home.png"))

    driver.get(base + "/login")
    driver.find_element(By.ID, "username").send_keys("admin")
    driver.find_element(By.ID, "password").send_keys("Demo@2026")
    driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, ".session .who")))
    who = driver.find_element(By.CSS_SELECTOR, ".session .who").text
    check("login through the form shows the signed-in user", "市科技局管理员" in who, who)
    driver.save_screenshot(os.path.join(out, "2-signed-in.png"))

    driver.get(base + "/policy/articles/7")
    h1 = driver.find_element(By.TAG_NAME, "h1").text
    text = driver.find_element(By.CSS_SELECTOR, ".article-text").text
    units = driver.find_element(By.CSS_SELECTOR, "ol.units").text
    check("article 7 shows its title, text and lead unit",
          "强化企业科技创新主体地位" in h1 and "增量部分按150%加计" in text and units.startswith("市科学技术局"), h1)
    driver.save_screenshot(os.path.join(out, "3-article-7.png"))

    driver.get(base + "/policy/match?run=1&kind=enterprise&date=2025-06-30&rd_expense=300%E4%B8%87&rd_expense_last_year=200%E4%B8%87&newly_recognized_hte=true")
    results = driver.find_element(By.CSS_SELECTOR, ".match-results").text
    check("one-click match shows eligible awards with amounts and the provisional mark",
          "¥500,000.00" in results and "暂定" in results and "待补充数据" in results, results[:300])
    driver.save_screenshot(os.path.join(out, "4-match.png"))

    driver.set_window_size(390, 844)
    driver.get(base + "/policy")
    width = driver.execute_script("return document.documentElement.scrollWidth")
    check("the policy page fits a phone screen without sideways scrolling", width <= 390, f"scrollWidth={width}")
    driver.save_screenshot(os.path.join(out, "5-policy-phone.png"))
except Exception as e:  # a crash is a failure with its reason, not a stack trace without a summary
    failed += 1
    print(f"FAIL browser session: {e!r}")
finally:
    driver.quit()

print(f"browser: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
