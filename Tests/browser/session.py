"""What every browser walk-through needs: headless Chromium from Debian's packages, named checks, signing in
through the form, waiting for a page to change, and the closing `LABEL: N passed, N failed` line CI greps for."""
import os
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait


class Session:
    def __init__(self, base, out, width=1280, height=1000):
        self.base, self.out = base.rstrip("/"), out
        os.makedirs(out, exist_ok=True)
        opts = webdriver.ChromeOptions()
        opts.binary_location = "/usr/bin/chromium"
        for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", f"--window-size={width},{height}", "--lang=zh-CN"):
            opts.add_argument(a)
        # The driver path is given so Selenium never tries to download one.
        self.driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
        self.wait = WebDriverWait(self.driver, 15)
        self.passed = self.failed = 0

    def check(self, name, condition, detail=""):
        if condition:
            self.passed += 1
            print(f"ok   {name}")
        else:
            self.failed += 1
            print(f"FAIL {name} {str(detail)[:400]}")

    def get(self, path):
        self.driver.get(self.base + path)

    def text(self):
        return self.driver.find_element(By.TAG_NAME, "body").text

    def shot(self, name):
        self.driver.save_screenshot(os.path.join(self.out, name))

    def sign_in(self, user, password="Demo@2026"):
        self.driver.delete_all_cookies()
        self.get("/login")
        self.driver.find_element(By.ID, "username").send_keys(user)
        self.driver.find_element(By.ID, "password").send_keys(password)
        self.driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
        self.wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, ".session .who")))

    def shows(self, words):
        """Waits (up to 15 s) for the page to contain `words` after a click; False when it never does."""
        def present(d):
            # While the next page loads the old body goes stale; that is "not yet", not a failure.
            try:
                return words in d.find_element(By.TAG_NAME, "body").text
            except Exception:
                return False

        try:
            self.wait.until(present)
            return True
        except Exception:
            return False

    def finish(self, label, error=None):
        """Counts a crash as a failure with its reason, closes the browser, prints the summary and exits."""
        if error is not None:
            self.failed += 1
            print(f"FAIL {label} session: {error!r}")
        self.driver.quit()
        print(f"{label}: {self.passed} passed, {self.failed} failed")
        sys.exit(1 if self.failed else 0)
